using Velvet.Core.Ports;

namespace Velvet.Store.Tests;

public abstract partial class JobStoreContract
{
    private static ScheduleSlot Slot(string token, string key, string group, SlotKind kind = SlotKind.Job, string by = "replica-1") => new()
    {
        TokenName = token, Env = "prod", SlotKey = key, GroupKey = group, Kind = kind, DueAt = TestData.T0,
        ClaimedBy = by, ClaimedAt = TestData.T0,
        ClosedAt = kind == SlotKind.Reminder ? TestData.T0 : null, Outcome = kind == SlotKind.Reminder ? "reminded" : null,
    };

    [Fact]
    public async Task A_due_slot_is_claimed_once_and_a_pairing_group_holds_one_open_slot()
    {
        var slots = JobStoreFactory.Schedules(await IsolatedStoreAsync());
        var audit = JobStoreFactory.Subscribers((IJobStore)slots);
        Assert.Equal(SlotClaim.Claimed, await slots.ClaimSlotAsync(Slot("ROLE_A", "2026-06-01T03:00Z", "ROLE_A"), Audit("velvet.schedule.due"), Ct));
        Assert.Equal(SlotClaim.AlreadyClaimed, await slots.ClaimSlotAsync(Slot("ROLE_A", "2026-06-01T03:00Z", "ROLE_A", by: "replica-2"), Audit("velvet.schedule.due"), Ct));
        Assert.Equal(SlotClaim.GroupBusy, await slots.ClaimSlotAsync(Slot("ROLE_B", "2026-06-01T03:00Z", "ROLE_A"), Audit("velvet.schedule.due"), Ct));
        Assert.Equal(SlotClaim.Claimed, await slots.ClaimSlotAsync(Slot("SOLO", "initial", "SOLO"), Audit("velvet.schedule.due"), Ct));
        // Only the claims that won wrote their audit row, in the same transaction.
        Assert.Equal(2, (await audit.ListSystemEventsAsync(10, Ct)).Count(e => e.Kind == "velvet.schedule.due"));

        var job = Guid.CreateVersion7();
        await slots.SetSlotJobAsync("ROLE_A", "prod", "2026-06-01T03:00Z", job, Ct);
        await slots.CloseSlotAsync("ROLE_A", "prod", "2026-06-01T03:00Z", TestData.T0.AddHours(2), "done", Ct);
        await slots.CloseSlotAsync("ROLE_A", "prod", "2026-06-01T03:00Z", TestData.T0.AddHours(9), "aborted", Ct); // already closed: no change
        Assert.Equal(SlotClaim.Claimed, await slots.ClaimSlotAsync(Slot("ROLE_B", "2026-06-01T03:00Z", "ROLE_A"), Audit("velvet.schedule.due"), Ct));

        var all = await slots.ListSlotsAsync("prod", Ct);
        var a = Assert.Single(all, s => s.TokenName == "ROLE_A");
        Assert.Equal(job, a.JobId);
        Assert.Equal("done", a.Outcome);
        Assert.Equal(TestData.T0.AddHours(2), a.ClosedAt);
        Assert.Equal(SlotKind.Job, a.Kind);
        Assert.Equal(3, all.Count);
        Assert.Empty(await slots.ListSlotsAsync("staging", Ct));
    }

    [Fact]
    public async Task Reminder_slots_are_closed_when_claimed_and_never_block_their_group()
    {
        var slots = JobStoreFactory.Schedules(await IsolatedStoreAsync());
        Assert.Equal(SlotClaim.Claimed, await slots.ClaimSlotAsync(Slot("PAGER", "initial", "PAGER", SlotKind.Reminder), Audit("velvet.schedule.reminder"), Ct));
        Assert.Equal(SlotClaim.AlreadyClaimed, await slots.ClaimSlotAsync(Slot("PAGER", "initial", "PAGER", SlotKind.Reminder, "replica-2"), Audit("velvet.schedule.reminder"), Ct));
        Assert.Equal(SlotClaim.Claimed, await slots.ClaimSlotAsync(Slot("PAGER", "2026-06-08T09:00Z", "PAGER", SlotKind.Reminder), Audit("velvet.schedule.reminder"), Ct));
        var all = await slots.ListSlotsAsync("prod", Ct);
        Assert.All(all, s => Assert.Equal(SlotKind.Reminder, s.Kind));
        Assert.All(all, s => Assert.Equal("reminded", s.Outcome));
    }
}
