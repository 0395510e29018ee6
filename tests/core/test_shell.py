"""`manage.py shell` starts with every model imported, the history models included, and no
warning about objects it could not import."""

from django.core.management import call_command


def test_the_shell_imports_every_model_without_a_warning(capsys):
    call_command("shell", command="print(Benefit.__name__, HistoricalBenefit.__name__)")

    out, err = capsys.readouterr()
    assert "could not be automatically imported" not in out + err
    assert "Benefit HistoricalBenefit" in out
