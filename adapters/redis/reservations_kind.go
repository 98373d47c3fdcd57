package redis

import (
	"context"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/reservation"
)

// A granted hold used to cost two round trips: the slot's script, then
// the user's kind cap (kindScript), which lives under the user's hash
// tag and so cannot be in the same script on Redis Cluster. When a slot
// granted its last hold here, the next hold sends both at once in one
// pipeline (one round trip on one node, one per node at once on a
// cluster), counting the hold against the cap before the slot has said
// yes (countAheadScript). What that guess costs when wrong:
//
//   - the slot refuses (it just filled, or the parent asked twice): the
//     count is taken back, a second round trip, once per slot as it turns
//     full, since a refusal stops the guessing on that slot;
//   - the slot's hold time changed since (the count's expiry is guessed
//     from it): the count's expiry is set right, a second round trip;
//   - between the two, the parent's cap counts one hold more than they
//     have, so a second hold of theirs at that instant may be refused as
//     over the cap (never one too many granted); and if the process dies
//     in that instant, the count lapses by itself with the hold time.
//
// A slot that refused its last hold (a flash crowd on a full slot) pays
// one round trip, the slot's script alone, as before.
type slotGuesses struct {
	mu    sync.Mutex
	slots map[string]slotGuess
}

type slotGuess struct {
	ttl     time.Duration // the slot's hold time, from its last grant
	granted bool          // its last answer here was a grant
}

// maxSlotGuesses bounds the memory: past it the guesses start over.
const maxSlotGuesses = 1 << 16

func (g *slotGuesses) get(slotID string) (slotGuess, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.slots[slotID]
	return s, ok
}

func (g *slotGuesses) set(slotID string, s slotGuess) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.slots == nil || len(g.slots) >= maxSlotGuesses {
		g.slots = map[string]slotGuess{}
	}
	g.slots[slotID] = s
}

// countAheadScript counts a hold against its user's cap on slots of one
// kind before the slot has granted it. KEYS: the user's kind zset. ARGV:
// id, expiry, now, limit. 1 when counted now, 2 when counted already
// (left as it is: it is the count of a hold taken before), 0 over the cap.
var countAheadScript = goredis.NewScript(luaPrelude + `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 2 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
touch(KEYS[1])
return 1
`)

// guess reports whether this hold is likely granted (the slot's last
// answer here was a grant), and the expiry it would have.
func (r *Reservations) guess(req reservations.HoldRequest) (time.Time, bool) {
	if req.Promoted {
		return time.Time{}, false
	}
	g, ok := r.guesses.get(req.SlotID)
	if !ok || !g.granted {
		return time.Time{}, false
	}
	return req.Now.Add(g.ttl), true
}

// countsAhead is whether a likely grant is counted against its user's
// kind cap before the slot answers.
func countsAhead(req reservations.HoldRequest) bool {
	return req.KindLimit > 0 && !req.Promoted && req.Kind != ""
}

// learn remembers how the slot answered, for the next hold's guess.
func (r *Reservations) learn(req reservations.HoldRequest, outcome string, h reservation.Hold) {
	g := slotGuess{granted: outcome == "granted"}
	if g.granted {
		// In whole milliseconds, as the script computes expiries: the
		// next request's now has another fraction of a millisecond.
		g.ttl = time.Duration(h.ExpiresAt.UnixMilli()-req.Now.UnixMilli()) * time.Millisecond
	} else if old, ok := r.guesses.get(req.SlotID); ok {
		g.ttl = old.ttl
	}
	r.guesses.set(req.SlotID, g)
}

// holdWithCount runs the slot's script in one pipeline with the ahead
// count (when count) and the ahead reminder (when remind, see
// reservations_reminders.go). It answers the slot's reply, and the
// count's: 1, 2 or 0 as countAheadScript, -1 when the count failed or
// was not asked for.
func (r *Reservations) holdWithCount(ctx context.Context, req reservations.HoldRequest, keys []string, args []any,
	exp time.Time, count, remind bool) ([]any, int64, error) {
	kindKeys := []string{kindKey(req.UserID, req.Kind)}
	kindArgs := []any{req.HoldID, exp.UnixMilli(), req.Now.UnixMilli(), req.KindLimit}
	var holdCmd, kindCmd *goredis.Cmd
	_, perr := r.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		holdCmd = holdScript.EvalSha(ctx, p, keys, args...)
		if count {
			kindCmd = countAheadScript.EvalSha(ctx, p, kindKeys, kindArgs...)
		}
		if remind {
			// A reminder kept already (a replay) keeps its time. Its
			// failure is the reconciler's to mend, as a queue's was.
			p.ZAddNX(ctx, r.reminders, goredis.Z{Score: float64(remindsAt(req, exp).UnixMilli()), Member: req.HoldID})
		}
		return nil
	})
	// go-redis leaves a command it never sent without an error when it
	// gives up dialling (a dead master, before the failover): it did not
	// run, and the pipeline's error says why (store_unavailable, not a
	// malformed reply). A script's reply is never nil.
	for _, cmd := range []*goredis.Cmd{holdCmd, kindCmd} {
		if cmd != nil && perr != nil && cmd.Err() == nil && cmd.Val() == nil {
			cmd.SetErr(perr)
		}
	}
	// EVALSHA in a pipeline cannot fall back to EVAL: a node that does
	// not know a script (restarted, flushed, new) runs that one again on
	// its own; the other ran already and is not repeated.
	if noScript(holdCmd.Err()) {
		holdCmd = holdScript.Run(ctx, r.rdb, keys, args...)
	}
	if kindCmd != nil && noScript(kindCmd.Err()) {
		kindCmd = countAheadScript.Run(ctx, r.rdb, kindKeys, kindArgs...)
	}
	counted := int64(-1)
	if kindCmd != nil {
		if n, kerr := kindCmd.Int64(); kerr == nil {
			counted = n
		}
	}
	v, err := holdCmd.Slice()
	if err != nil {
		if counted == 1 {
			r.uncount(ctx, req)
		}
		return nil, 0, err
	}
	return v, counted, nil
}

func noScript(err error) bool { return err != nil && goredis.HasErrorPrefix(err, "NOSCRIPT") }

// settleCount finishes the ahead count once the slot has answered: it
// stands for a live hold (with its expiry set right if the guess was
// off), is taken back for anything else, and a count over the cap takes
// the grant back, as countKind does.
func (r *Reservations) settleCount(ctx context.Context, req reservations.HoldRequest, k slotKeys, counted int64,
	guessed time.Time, h reservation.Hold, live bool, fp string) error {
	switch {
	case !live:
		if counted == 1 {
			r.uncount(ctx, req)
		}
		return nil
	case counted < 0:
		// The count did not run: count it now, as the two round trips did.
		return r.countKind(ctx, req, k, h, req.Kind, fp)
	case counted == 0:
		if err := undoHoldScript.Run(ctx, r.rdb, []string{k.h, k.hi, k.user(req.UserID), k.c, k.ci, k.hold(h.ID)},
			h.ID, fp).Err(); err != nil {
			return storeErr("undo hold over kind cap", err)
		}
		return reservation.ErrHoldLimit
	case counted == 1 && h.ExpiresAt.UnixMilli() != guessed.UnixMilli():
		// The hold time changed: the count lapses with the hold.
		if err := r.rdb.ZAddXX(ctx, kindKey(req.UserID, req.Kind),
			goredis.Z{Score: float64(h.ExpiresAt.UnixMilli()), Member: h.ID}).Err(); err != nil {
			return storeErr("hold kind cap expiry", err)
		}
	}
	return nil
}

// uncount takes back a count the slot did not grant. Best effort, as
// Release's: a member left behind lapses by its score.
func (r *Reservations) uncount(ctx context.Context, req reservations.HoldRequest) {
	_ = r.rdb.ZRem(ctx, kindKey(req.UserID, req.Kind), req.HoldID).Err()
}
