def test_benefit_history_shows_who_changed_what(client, world):
    client.force_login(world.erin)
    edit = f"/benefits/{world.benefit.pk}/edit/"
    data = client.get(edit).context["form"].initial
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(
        title="Reduced vetting backlog",
        target_value="75000.00",
        owner=world.benefit.owner_id,
        measurement_owner=world.benefit.measurement_owner_id,
    )
    data.pop("id", None)
    data.pop("initiative", None)
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    history = client.get(f"/benefits/{world.benefit.pk}/history/")
    changes = history.context["changes"]
    latest = changes[0]
    assert latest.action == "Changed"
    assert latest.who == "Erin"
    assert ("target value", "80000.00", "75000.00") in [(f[0], f[1], f[2]) for f in latest.fields]
    assert "75000.00" in history.content.decode()


def test_history_lists_plan_and_actual_changes(client, world):
    client.force_login(world.alice)
    client.post(f"/benefits/{world.benefit.pk}/plan/", {"profile": "2026-04 1000"})
    changes = client.get(f"/benefits/{world.benefit.pk}/history/").context["changes"]
    assert any(c.what == "Plan for 2026-04" and c.who == "Alice" for c in changes)
