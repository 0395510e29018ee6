"""Text people typed is shown as text: form labels and hints built from the names of
initiatives or benefits are escaped, although the GOV.UK form templates render them raw."""

from django import forms

from realise.core.forms import GovukForm

SCRIPT = '<script>alert("x")</script>'


class Example(GovukForm, forms.Form):
    amount = forms.DecimalField(label=f"{SCRIPT} (percent)", help_text=f"Measured: {SCRIPT}")


def test_a_label_and_a_hint_carrying_typed_text_are_escaped_when_rendered():
    from crispy_forms.utils import render_crispy_form

    html = render_crispy_form(Example())
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (percent)" in html
    assert "Measured: &lt;script&gt;" in html
    # The form's own fields keep the text as typed (for messages and documents).
    assert Example().fields["amount"].label == f"{SCRIPT} (percent)"


def test_the_attribution_page_shows_an_initiative_name_as_text(client, world):
    world.initiative.name = SCRIPT
    world.initiative.save()
    client.force_login(world.alice)
    page = client.get(f"/benefits/{world.benefit.pk}/attribution/").content.decode()
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (percent)" in page
