"""Date boxes look like GOV.UK's other inputs, with the red border when their value is
refused, on every form (crispy-forms-gds styles only text inputs itself)."""

from django import forms

from realise.core.forms import DateInput, GovukForm


class Dated(GovukForm, forms.Form):
    start = forms.DateField(widget=DateInput())
    end = forms.DateField(widget=DateInput(attrs={"aria-describedby": "end-hint"}))


def test_a_date_box_is_a_govuk_input():
    html = str(Dated()["start"])
    assert 'type="date"' in html and 'class="govuk-input govuk-input--width-10"' in html
    assert 'aria-describedby="end-hint"' in str(Dated()["end"])  # other attributes kept


def test_a_refused_date_has_the_error_border_and_the_others_do_not():
    form = Dated(data={"start": "2026-02-30", "end": "2026-03-01"})
    assert not form.is_valid()
    assert "govuk-input--error" in str(form["start"])
    assert "govuk-input--error" not in str(form["end"])
    assert "govuk-input--error" not in str(Dated()["start"])  # widgets are not shared


def test_an_initiative_page_shows_its_dates_as_govuk_inputs(client, world):
    client.force_login(world.alice)
    page = client.get(f"{world.initiative.get_absolute_url()}edit/").content.decode()
    assert 'name="start_date"' in page
    box = (
        page.split('name="start_date"')[0].rsplit("<input", 1)[1]
        + page.split('name="start_date"')[1].split(">", 1)[0]
    )
    assert "govuk-input" in box
