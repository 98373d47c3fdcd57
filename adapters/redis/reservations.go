package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/reservation"
)

// Reservations implements reservations.Engine: the fast admission of
// holds. Each slot's state lives under the hash tag {slot:ID}, so every
// script on it runs on one Redis Cluster node:
//
//	kc:{slot:S}:m       hash: cap, icap, ucap, ttl ms, closes ms, waitm, waiti, ver, forget ms
//	kc:{slot:S}:h       zset: every live hold id, scored by expiry (unix ms)
//	kc:{slot:S}:hi      zset: the live 普惠 (inclusive) ones among them
//	kc:{slot:S}:c, :ci  sets: the hold ids seated at market and 普惠 price
//	kc:{slot:S}:u:U     zset: user U's live holds on the slot
//	kc:{slot:S}:d:H     hash: hold H's details, kept an hour past its expiry
//
// A hold id names its slot (reservation.SlotOf), so an id alone finds its
// keys. The per-user cap across slots of a kind spans slots:
// kc:{user:U}:holds:KIND, a zset checked by a second script after a
// grant; so do the reminders kept with holds until due,
// kc:{reminders:NAME}:holds (reservations_reminders.go). Expiry is a score compared with the caller's now, never
// a keyspace notification. MongoDB stays the truth: Sync writes its seats,
// waiting counts and promotions here, and a lost Redis answers
// reservations.ErrStateMissing until it does.
type Reservations struct {
	rdb       goredis.UniversalClient
	holds     *prometheus.CounterVec
	guesses   slotGuesses // see reservations_kind.go
	reminders string      // see reservations_reminders.go
}

var _ reservations.Engine = (*Reservations)(nil)

// NewReservations admits the holds of deployment name (its job queue):
// slots are its own by their ids, and the reminders it keeps carry the
// name, so deployments sharing a Redis keep apart.
func NewReservations(rdb goredis.UniversalClient, name string) *Reservations {
	return &Reservations{rdb: rdb, reminders: remindersKey(name), holds: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kincare_holds_total", Help: "Hold attempts by outcome.",
	}, []string{"outcome"})}
}

// Collector exports kincare_holds_total{outcome}: granted, replayed,
// full, closed, limit, mismatch, missing, error.
func (r *Reservations) Collector() prometheus.Collector { return r.holds }

// afterExpiry is how long a hold's details outlive it, so a late claim
// or release answers "expired" rather than "not found".
const afterExpiry = time.Hour

type slotKeys struct{ prefix, m, h, hi, c, ci string }

// keysOf names a slot's keys, all slices of one string: one allocation
// where there were six, on every hold.
func keysOf(slotID string) slotKeys {
	const pre, post = "kc:{slot:", "}:"
	all := pre + slotID + post + "m" + pre + slotID + post + "h" + pre + slotID + post + "hi" +
		pre + slotID + post + "c" + pre + slotID + post + "ci"
	n := len(pre) + len(slotID) + len(post)
	k := slotKeys{prefix: all[:n]}
	next := func(suffix int) string {
		s := all[:n+suffix]
		all = all[n+suffix:]
		return s
	}
	k.m, k.h, k.hi, k.c, k.ci = next(1), next(1), next(2), next(1), next(2)
	return k
}

func (k slotKeys) user(userID string) string { return k.prefix + "u:" + userID }
func (k slotKeys) hold(holdID string) string { return k.prefix + "d:" + holdID }

func kindKey(userID, kind string) string { return "kc:{user:" + userID + "}:holds:" + kind }

func (r *Reservations) Hold(ctx context.Context, req reservations.HoldRequest) (reservations.HoldResult, error) {
	res, outcome, err := r.hold(ctx, req)
	r.holds.WithLabelValues(outcome).Inc()
	return res, err
}

func (r *Reservations) hold(ctx context.Context, req reservations.HoldRequest) (reservations.HoldResult, string, error) {
	if slot, ok := reservation.SlotOf(req.HoldID); !ok || slot != req.SlotID {
		return reservations.HoldResult{}, "error", fmt.Errorf("redis: hold id %q is not of slot %q", req.HoldID, req.SlotID)
	}
	tier, err := reservation.ParseTier(string(req.Tier))
	if err != nil {
		return reservations.HoldResult{}, "error", err
	}
	req.Tier = tier
	fp := req.Fingerprint
	if fp == "" {
		fp = string(tier)
	}
	k := keysOf(req.SlotID)
	keys := []string{k.m, k.h, k.hi, k.c, k.ci, k.user(req.UserID), k.hold(req.HoldID)}
	args := []any{req.HoldID, req.UserID, string(tier), fp, req.Now.UnixMilli(), flag(req.Promoted), req.Kind}
	guessed, granting := r.guess(req)
	ahead := granting && countsAhead(req)
	remindAhead := granting && remindsAt(req, guessed) != time.Time{}
	var v []any
	counted := int64(-1)
	if ahead || remindAhead {
		v, counted, err = r.holdWithCount(ctx, req, keys, args, guessed, ahead, remindAhead)
	} else {
		v, err = holdScript.Run(ctx, r.rdb, keys, args...).Slice()
	}
	if err != nil {
		return reservations.HoldResult{}, "error", storeErr("hold", err)
	}
	res, outcome, err := r.answer(ctx, req, k, v, fp, ahead, counted, guessed)
	r.learn(req, outcome, res.Hold)
	r.settleReminder(ctx, req, outcome, res.Hold, remindAhead, guessed)
	return res, outcome, err
}

// answer reads the hold script's reply, and runs or settles the user's
// kind cap for a live hold: counted ahead in the same round trip (see
// reservations_kind.go), or after the grant.
func (r *Reservations) answer(ctx context.Context, req reservations.HoldRequest, k slotKeys, v []any, fp string,
	ahead bool, counted int64, guessed time.Time) (reservations.HoldResult, string, error) {
	settle := func(h reservation.Hold, live bool) error {
		if !ahead {
			return nil
		}
		return r.settleCount(ctx, req, k, counted, guessed, h, live, fp)
	}
	switch outcome := str(v, 0); outcome {
	case "granted", "replayed":
		h, kind, err := holdOf(req.HoldID, req.SlotID, v)
		if err != nil {
			_ = settle(reservation.Hold{}, false)
			return reservations.HoldResult{}, "error", err
		}
		res := reservations.HoldResult{Hold: h, Replayed: outcome == "replayed"}
		// A replayed live hold runs the kind step too: its first run may
		// have died before it, and a hold counted already passes.
		live := req.KindLimit > 0 && !h.Promoted && h.Live(req.Now)
		if ahead {
			err = settle(h, live)
		} else if live {
			err = r.countKind(ctx, req, k, h, kind, fp)
		}
		if err != nil {
			return reservations.HoldResult{}, kindOutcome(err), err
		}
		return res, outcome, nil
	}
	// Refused: nothing to count.
	if err := settle(reservation.Hold{}, false); err != nil {
		return reservations.HoldResult{}, "error", err
	}
	switch outcome := str(v, 0); outcome {
	case "missing":
		return reservations.HoldResult{}, outcome, reservations.ErrStateMissing
	case "mismatch":
		return reservations.HoldResult{}, outcome, reservations.ErrFingerprintMismatch
	case "closed":
		return reservations.HoldResult{}, outcome, reservation.ErrSlotClosed
	case "full", "waitlist":
		return reservations.HoldResult{}, "full", reservation.ErrSlotFull.With(map[string]any{"tier": string(req.Tier)})
	case "limit":
		return reservations.HoldResult{}, outcome, reservation.ErrHoldLimit
	default:
		return reservations.HoldResult{}, "error", fmt.Errorf("redis: hold: unexpected reply %v", v)
	}
}

// countKind counts a hold against its user's cap on the slot's kind, and
// takes the grant back when the cap is reached. Were the kind's zset
// beside the slot's keys, one script could do both, but it spans slots
// and so lives under the user's hash tag.
func (r *Reservations) countKind(ctx context.Context, req reservations.HoldRequest, k slotKeys, h reservation.Hold, kind, fp string) error {
	if kind == "" {
		kind = req.Kind
	}
	ok, err := kindScript.Run(ctx, r.rdb, []string{kindKey(req.UserID, kind)},
		h.ID, h.ExpiresAt.UnixMilli(), req.Now.UnixMilli(), req.KindLimit).Int()
	if err != nil {
		// The grant stands; a retry under the same id replays it and
		// runs this step again, and if nobody retries it lapses.
		return storeErr("hold kind cap", err)
	}
	if ok == 1 {
		return nil
	}
	if err := undoHoldScript.Run(ctx, r.rdb, []string{k.h, k.hi, k.user(req.UserID), k.c, k.ci, k.hold(h.ID)},
		h.ID, fp).Err(); err != nil {
		return storeErr("undo hold over kind cap", err)
	}
	return reservation.ErrHoldLimit
}

func kindOutcome(err error) string {
	if errors.Is(err, reservation.ErrHoldLimit) {
		return "limit"
	}
	return "error"
}

func (r *Reservations) Claim(ctx context.Context, holdID, userID string, now time.Time, grace time.Duration) (reservation.Hold, error) {
	slotID, ok := reservation.SlotOf(holdID)
	if !ok {
		return reservation.Hold{}, reservation.ErrHoldNotFound
	}
	k := keysOf(slotID)
	v, err := claimScript.Run(ctx, r.rdb, []string{k.h, k.hi, k.c, k.ci, k.user(userID), k.hold(holdID)},
		holdID, userID, now.UnixMilli(), grace.Milliseconds()).Slice()
	if err != nil {
		return reservation.Hold{}, storeErr("claim hold", err)
	}
	switch str(v, 0) {
	case "notfound":
		return reservation.Hold{}, reservation.ErrHoldNotFound
	case "released":
		return reservation.Hold{}, reservation.ErrHoldReleased
	case "expired":
		return reservation.Hold{}, reservation.ErrHoldExpired
	}
	h, _, err := holdOf(holdID, slotID, v)
	return h, err
}

func (r *Reservations) Release(ctx context.Context, holdID, userID string, now time.Time) (reservation.Hold, error) {
	slotID, ok := reservation.SlotOf(holdID)
	if !ok {
		return reservation.Hold{}, reservation.ErrHoldNotFound
	}
	k := keysOf(slotID)
	v, err := releaseScript.Run(ctx, r.rdb, []string{k.h, k.hi, k.c, k.ci, k.user(userID), k.hold(holdID)},
		holdID, userID, now.UnixMilli()).Slice()
	if err != nil {
		return reservation.Hold{}, storeErr("release hold", err)
	}
	switch str(v, 0) {
	case "notfound":
		return reservation.Hold{}, reservation.ErrHoldNotFound
	case "booked":
		return reservation.Hold{}, reservation.ErrHoldConfirmed
	}
	h, kind, err := holdOf(holdID, slotID, v)
	if err != nil {
		return reservation.Hold{}, err
	}
	if kind != "" {
		// Best effort: the kind's zset is under the user's hash tag, out
		// of the script's reach, and a member left there lapses by score.
		_ = r.rdb.ZRem(ctx, kindKey(userID, kind), holdID).Err()
	}
	return h, nil
}

func (r *Reservations) Lookup(ctx context.Context, holdID string, now time.Time) (reservation.Hold, bool, error) {
	slotID, ok := reservation.SlotOf(holdID)
	if !ok {
		return reservation.Hold{}, false, nil
	}
	k := keysOf(slotID)
	v, err := lookupScript.Run(ctx, r.rdb, []string{k.h, k.c, k.ci, k.hold(holdID)}, holdID, now.UnixMilli()).Slice()
	if err != nil {
		return reservation.Hold{}, false, storeErr("look up hold", err)
	}
	if str(v, 0) == "notfound" {
		return reservation.Hold{}, false, nil
	}
	h, _, err := holdOf(holdID, slotID, v)
	return h, err == nil, err
}

func (r *Reservations) Sync(ctx context.Context, st reservations.SlotState) error {
	k := keysOf(st.SlotID)
	market, inclusive := st.Seated[reservation.Market], st.Seated[reservation.Inclusive]
	ttl := st.Rules.HoldTTL
	if ttl <= 0 {
		ttl = reservation.DefaultHoldTTL
	}
	keys := []string{k.m, k.h, k.hi, k.c, k.ci}
	args := []any{st.Version, st.Capacity.Total, st.Capacity.InclusiveQuota, st.Rules.MaxHoldsPerUser,
		ttl.Milliseconds(), unixMilli(st.Rules.HoldsCloseAt), st.Waiting[reservation.Market],
		st.Waiting[reservation.Inclusive], unixMilli(st.ForgetAt), len(market), len(inclusive), len(st.Promotions),
		st.Kind}
	for _, ids := range [][]string{market, inclusive} {
		for _, id := range ids {
			keys = append(keys, k.hold(id))
			args = append(args, id)
		}
	}
	for _, p := range st.Promotions {
		tier, err := reservation.ParseTier(string(p.Tier))
		if err != nil {
			return err
		}
		keys = append(keys, k.hold(p.HoldID), k.user(p.UserID))
		args = append(args, p.HoldID, p.UserID, string(tier), p.ExpiresAt.UnixMilli())
	}
	for _, id := range st.Unseated {
		keys = append(keys, k.hold(id))
		args = append(args, id)
	}
	v, err := syncScript.Run(ctx, r.rdb, keys, args...).Slice()
	if err != nil {
		return storeErr("sync slot "+st.SlotID, err)
	}
	// Holds seated for the first time stop counting against their users'
	// kind caps. Best effort, as in Release: a member left lapses by
	// score, and the slot's own state is already written.
	if len(v) > 1 {
		_, _ = r.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for i := 1; i+2 < len(v); i += 3 {
				if user, kind := str(v, i), str(v, i+1); kind != "" {
					p.ZRem(ctx, kindKey(user, kind), str(v, i+2))
				}
			}
			return nil
		})
	}
	return nil
}

// Remaining runs one read-only script per slot, all in one pipeline.
// EVALSHA in a pipeline cannot fall back to EVAL command by command, so
// a server that does not know the script (restarted, flushed, a new
// cluster node) gets it loaded and the pipeline once more.
func (r *Reservations) Remaining(ctx context.Context, slotIDs []string, now time.Time) ([]reservations.Remaining, error) {
	if len(slotIDs) == 0 {
		return nil, nil
	}
	cmds, err := r.remaining(ctx, slotIDs, now)
	if err != nil && goredis.HasErrorPrefix(err, "NOSCRIPT") {
		if err = remainingScript.Load(ctx, r.rdb).Err(); err == nil {
			cmds, err = r.remaining(ctx, slotIDs, now)
		}
	}
	if err != nil {
		return nil, storeErr("remaining", err)
	}
	out := make([]reservations.Remaining, len(slotIDs))
	for i, cmd := range cmds {
		n, err := cmd.Int64Slice()
		if err != nil || len(n) != 5 {
			return nil, fmt.Errorf("redis: remaining of %s: %v %w", slotIDs[i], n, err)
		}
		out[i] = reservations.Remaining{SlotID: slotIDs[i], Known: n[0] == 1, Market: int(n[1]),
			Inclusive: int(n[2]), WaitingM: int(n[3]), WaitingInc: int(n[4])}
	}
	return out, nil
}

func (r *Reservations) remaining(ctx context.Context, slotIDs []string, now time.Time) ([]*goredis.Cmd, error) {
	cmds := make([]*goredis.Cmd, len(slotIDs))
	_, err := r.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, id := range slotIDs {
			k := keysOf(id)
			cmds[i] = remainingScript.EvalSha(ctx, p, []string{k.m, k.h, k.hi, k.c, k.ci}, now.UnixMilli())
		}
		return nil
	})
	return cmds, err
}

// LiveHolds reads the ids of a slot's live holds (h, scored by expiry),
// then every one's details in one pipeline: two round trips to the
// slot's node, whatever the number of holds. Not a script: it changes
// nothing, and a hold that lapses or is seated between the two reads is
// only reminded of in vain (the reminder checks the hold again).
func (r *Reservations) LiveHolds(ctx context.Context, slotID string, now time.Time) ([]reservation.Hold, error) {
	k := keysOf(slotID)
	live, err := r.rdb.ZRangeByScoreWithScores(ctx, k.h, &goredis.ZRangeBy{
		Min: "(" + strconv.FormatInt(now.UnixMilli(), 10), Max: "+inf"}).Result()
	if err != nil {
		return nil, storeErr("live holds of "+slotID, err)
	}
	if len(live) == 0 {
		return nil, nil
	}
	details := make([]*goredis.SliceCmd, len(live))
	_, err = r.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, z := range live {
			details[i] = p.HMGet(ctx, k.hold(z.Member.(string)), "u", "t", "p")
		}
		return nil
	})
	if err != nil {
		return nil, storeErr("live holds of "+slotID, err)
	}
	out := make([]reservation.Hold, 0, len(live))
	for i, z := range live {
		d := details[i].Val()
		user, _ := d[0].(string)
		if user == "" {
			continue // its details are gone: nothing to remind anyone of
		}
		tier, _ := d[1].(string)
		promoted, _ := d[2].(string)
		out = append(out, reservation.Hold{ID: z.Member.(string), SlotID: slotID, UserID: user,
			Tier: reservation.Tier(tier), ExpiresAt: time.UnixMilli(int64(z.Score)).UTC(),
			Status: reservation.Held, Promoted: promoted == "1"})
	}
	return out, nil
}

// holdOf reads a script's hold reply {outcome, user, tier, expiry ms,
// state, promoted, kind}; it answers the kind apart, for the kind cap.
func holdOf(holdID, slotID string, v []any) (reservation.Hold, string, error) {
	if len(v) != 7 {
		return reservation.Hold{}, "", fmt.Errorf("redis: malformed hold reply %v", v)
	}
	exp, err := strconv.ParseInt(str(v, 3), 10, 64)
	if err != nil {
		return reservation.Hold{}, "", fmt.Errorf("redis: malformed hold expiry %q", str(v, 3))
	}
	return reservation.Hold{
		ID: holdID, SlotID: slotID, UserID: str(v, 1), Tier: reservation.Tier(str(v, 2)),
		ExpiresAt: time.UnixMilli(exp).UTC(), Status: reservation.HoldStatus(str(v, 4)), Promoted: str(v, 5) == "1",
	}, str(v, 6), nil
}

func str(v []any, i int) string {
	if i >= len(v) {
		return ""
	}
	s, _ := v[i].(string)
	return s
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// unixMilli is 0 for the zero time: no close, or no forgetting.
func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
