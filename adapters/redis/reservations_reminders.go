package redis

import (
	"context"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/reservation"
)

// remindersKey is where deployment name keeps the reminders of holds
// until they are due (reservations.HoldRequest.RemindBefore): a zset of
// hold ids scored by the reminder's time (unix ms). It spans slots, so on
// Redis Cluster it lives on a node of its own, as asynq's queue does; it
// is written in the pipeline that carries the hold's script, never
// inside it.
//
// A likely grant (the slot's last answer here was one, as for the kind
// cap's count-ahead) sends the reminder in the same round trip as the
// slot's script, with the expiry the slot's hold time gives; what that
// guess costs when wrong:
//
//   - the slot refuses: the reminder is taken back, a second round trip,
//     once per slot as it turns full (a refusal stops the guessing); a
//     reminder left behind by a failure finds its hold gone when due and
//     is dropped unsent;
//   - the slot's hold time changed: the reminder's time is set right, a
//     second round trip.
//
// Any other grant writes its reminder after the script, a round trip of
// its own, as the job queue's schedule was (but a plain ZADD, not a
// script that writes a task).
func remindersKey(name string) string { return "kc:{reminders:" + name + "}:holds" }

// remindsAt is when a hold expiring at exp is to be reminded of, or the
// zero time when it is not (none asked for, or too short to need one).
func remindsAt(req reservations.HoldRequest, exp time.Time) time.Time {
	if req.RemindBefore <= 0 || exp.IsZero() {
		return time.Time{}
	}
	due := exp.Add(-req.RemindBefore)
	if due.Sub(req.Now) < reservations.MinReminderNotice {
		return time.Time{}
	}
	return due
}

// settleReminder makes the kept reminder agree with the slot's answer:
// kept for a grant, at the time its real expiry gives; taken back when
// the slot refused a hold it was sent ahead for. A replayed hold's
// reminder, and one of a failed answer (the grant may stand; a reminder
// of a hold that does not is dropped when due), are left as they are.
// Best effort: the reconciler schedules again the reminder of any live
// hold (remindAgain), as it did when the job queue failed to take one.
func (r *Reservations) settleReminder(ctx context.Context, req reservations.HoldRequest, outcome string,
	h reservation.Hold, ahead bool, guessed time.Time) {
	switch outcome {
	case "granted":
		due := remindsAt(req, h.ExpiresAt)
		switch {
		case due.IsZero() && ahead:
			_ = r.rdb.ZRem(ctx, r.reminders, h.ID).Err()
		case due.IsZero():
		case !ahead:
			_ = r.rdb.ZAddNX(ctx, r.reminders, goredis.Z{Score: float64(due.UnixMilli()), Member: h.ID}).Err()
		case due.UnixMilli() != remindsAt(req, guessed).UnixMilli():
			_ = r.rdb.ZAddXX(ctx, r.reminders, goredis.Z{Score: float64(due.UnixMilli()), Member: h.ID}).Err()
		}
	case "replayed", "mismatch", "error":
		// mismatch: the id is a live hold's, taken with another body;
		// its reminder is its own.
	default:
		if ahead {
			_ = r.rdb.ZRem(ctx, r.reminders, req.HoldID).Err()
		}
	}
}

// DueReminders reads the kept reminders due by until, then their holds'
// details in one pipeline (on a cluster, one per node at once).
func (r *Reservations) DueReminders(ctx context.Context, until, now time.Time, limit int) ([]reservations.HoldReminder, error) {
	due, err := r.rdb.ZRangeByScoreWithScores(ctx, r.reminders, &goredis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(until.UnixMilli(), 10), Count: int64(limit)}).Result()
	if err != nil {
		return nil, storeErr("due hold reminders", err)
	}
	if len(due) == 0 {
		return nil, nil
	}
	details := make([]*goredis.SliceCmd, len(due))
	_, err = r.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, z := range due {
			if slotID, ok := reservation.SlotOf(z.Member.(string)); ok {
				details[i] = p.HMGet(ctx, keysOf(slotID).hold(z.Member.(string)), "u", "t", "e", "s", "p", "k")
			}
		}
		return nil
	})
	if err != nil {
		return nil, storeErr("due hold reminders", err)
	}
	out := make([]reservations.HoldReminder, len(due))
	for i, z := range due {
		id := z.Member.(string)
		slotID, _ := reservation.SlotOf(id)
		out[i] = reservations.HoldReminder{Hold: reservation.Hold{ID: id, SlotID: slotID},
			Due: time.UnixMilli(int64(z.Score)).UTC()}
		if details[i] == nil {
			continue // not a hold id: nothing to remind anyone of
		}
		d := details[i].Val()
		user, _ := d[0].(string)
		tier, _ := d[1].(string)
		expiry, _ := d[2].(string)
		state, _ := d[3].(string)
		promoted, _ := d[4].(string)
		kind, _ := d[5].(string)
		exp, err := strconv.ParseInt(expiry, 10, 64)
		if user == "" || err != nil {
			continue // its details are gone (lapsed an hour ago, or undone)
		}
		out[i].Hold = reservation.Hold{ID: id, SlotID: slotID, UserID: user, Tier: reservation.Tier(tier),
			ExpiresAt: time.UnixMilli(exp).UTC(), Status: reservation.HoldStatus(state), Promoted: promoted == "1"}
		out[i].Kind = kind
		out[i].Live = state == string(reservation.Held) && exp > now.UnixMilli()
	}
	return out, nil
}

// ForgetReminders drops kept reminders.
func (r *Reservations) ForgetReminders(ctx context.Context, holdIDs []string) error {
	if len(holdIDs) == 0 {
		return nil
	}
	members := make([]any, len(holdIDs))
	for i, id := range holdIDs {
		members[i] = id
	}
	if err := r.rdb.ZRem(ctx, r.reminders, members...).Err(); err != nil {
		return storeErr("forget hold reminders", err)
	}
	return nil
}
