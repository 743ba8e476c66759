"""`check` and `translations refresh` cover the messages catalogue as well as the lessons' (issue 16)."""
from course import cli, message_catalogue, release, translation
from course.translation import catalogues


def test_check_fails_naming_a_message_that_needs_a_translator(monkeypatch, capsys):
    monkeypatch.setattr(release, "check", lambda: [])
    monkeypatch.setattr(translation, "check", lambda: [])
    monkeypatch.setattr(message_catalogue, "catalogue_problems",
                        lambda language: [f"missing: 'Score' ({language})"])
    assert cli.main(["check"]) == 1
    assert "✘ i18n/pt_BR/messages.po: missing: 'Score' (pt_BR)" in capsys.readouterr().out


def test_refresh_updates_the_messages_catalogue_and_says_what_to_review(monkeypatch, capsys):
    refreshed = []
    monkeypatch.setattr(catalogues, "refresh", lambda lesson, language: f"{lesson}: up to date")
    monkeypatch.setattr(message_catalogue, "refresh_catalogue",
                        lambda language: refreshed.append(language) or ["fuzzy (its English changed): 'Score'"])
    assert cli.main(["translations", "refresh", "--language", "pt_BR", "--lesson", "01_lambda_layers"]) == 0
    assert refreshed == ["pt_BR"]
    out = capsys.readouterr().out
    assert "messages: 1 to translate or review" in out and "fuzzy (its English changed): 'Score'" in out
