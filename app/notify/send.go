package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/notification"
)

// SendResult is what one run of SendPush did, for metrics.
type SendResult struct {
	Sent   int // devices reached
	Pruned int // dead tokens forgotten
	Failed int // devices given up on
}

// recordTimeout bounds writing what a try did, even once its context has
// ended (shutdown, task timeout): forgetting a reached device would send
// to it again at the next try. A write that fails is tried again until
// then, so a store that is slow for a while (a connection pool starved
// for ten seconds by a burst after a failover) costs time, not a second
// push. It stays well inside the task's two minutes, after which the
// queue could run the task again beside this one.
const recordTimeout = 45 * time.Second

// SendPush pushes a notification to every device of its user it has not
// reached yet. A dead token is forgotten; a refusal the push service
// calls temporary returns a *RetryableError so the queue tries again
// later, unless this is the last try (final), in which case the push is
// recorded as failed (or as sent, if some device got it) and the inbox
// entry stays. Running it again after a success sends nothing.
func (s *Service) SendPush(ctx context.Context, id string, final bool) (SendResult, error) {
	n, err := s.d.Inbox.Get(ctx, id)
	if fault.Is(err, notification.ErrNotFound) {
		return SendResult{}, nil // the user deleted their account since
	}
	if err != nil || n.Push.State.Done() {
		return SendResult{}, err
	}
	kind, ok := s.d.Kinds[n.Type]
	if !ok {
		return SendResult{}, fmt.Errorf("%w: %s", ErrUnknownEvent, n.Type)
	}
	if n.Push.State == notification.PushDeferred {
		// The user may have switched the category off while it waited.
		prefs, err := s.d.Preferences.Get(ctx, n.UserID)
		if err != nil {
			return SendResult{}, fmt.Errorf("preferences of %s: %w", n.UserID, err)
		}
		if !prefs.Enabled(n.Category) {
			return SendResult{}, s.d.Inbox.FinishPush(ctx, id, notification.PushSkipped, nil, "")
		}
	}
	devices, err := s.d.Devices.ListByUser(ctx, n.UserID)
	if err != nil {
		return SendResult{}, fmt.Errorf("devices of %s: %w", n.UserID, err)
	}
	t := s.try(ctx, n, kind, devices)
	if t.err != nil {
		return t.res, t.err
	}

	// What the try did is written even if ctx has ended meanwhile.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	errText := ""
	if t.lastErr != nil {
		errText = t.lastErr.Error()
	}
	switch {
	case ctx.Err() != nil: // stopped part-way; the queue retries the rest
		stopped := ctx.Err().Error()
		if err := s.record(wctx, id, func(rctx context.Context) error {
			return s.d.Inbox.RecordAttempt(rctx, id, t.reached, stopped)
		}); err != nil {
			return t.res, err
		}
		return t.res, ctx.Err()
	case t.retry != nil && !final:
		if err := s.record(wctx, id, func(rctx context.Context) error {
			return s.d.Inbox.RecordAttempt(rctx, id, t.reached, errText)
		}); err != nil {
			return t.res, err
		}
		return t.res, t.retry
	}
	// Final. Sent if any try reached a device, or nothing failed (no
	// devices, or all reached before); failed if every device kept
	// refusing. A partial delivery is sent, with the error kept.
	t.res.Failed += t.retrying
	state := notification.PushSent
	if t.res.Failed > 0 && n.Push.Reached+len(t.reached) == 0 {
		state = notification.PushFailed
	}
	if t.retry != nil {
		s.d.Log.Warn("push refused to the last try", "notification", id, "devices", t.retrying, "err", t.lastErr)
	}
	return t.res, s.record(wctx, id, func(rctx context.Context) error {
		return s.d.Inbox.FinishPush(rctx, id, state, t.reached, errText)
	})
}

// record runs write until it succeeds or ctx ends, backing off between
// tries. A write that failed after all may have been applied (its answer
// lost): trying it again at most counts a device twice in push.reached,
// which is read only as "reached any", and sends nothing.
func (s *Service) record(ctx context.Context, id string, write func(context.Context) error) error {
	wait := 100 * time.Millisecond
	for {
		err := write(ctx)
		if err == nil || ctx.Err() != nil {
			return err
		}
		s.d.Log.Warn("recording a push try failed; trying again", "notification", id, "err", err)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// attempt is one try at a notification's devices.
type attempt struct {
	res      SendResult
	reached  []string        // digests of devices this try reached
	retry    *RetryableError // the longest wait asked for, if any device asked
	retrying int             // devices refused for now
	lastErr  error
	err      error // a store failure: stop, nothing recorded
}

func (s *Service) try(ctx context.Context, n notification.Notification, kind Kind, devices []device.Device) attempt {
	var t attempt
	for _, d := range devices {
		if ctx.Err() != nil {
			break
		}
		digest := device.Digest(d.Token)
		if slices.Contains(n.Push.SentTo, digest) || (kind.EarlierDevicesOnly && !d.RegisteredBy(n.CreatedAt)) {
			continue
		}
		err := s.d.Pusher.Send(ctx, s.push(n, kind, d))
		var r *RetryableError
		switch {
		case err == nil:
			t.res.Sent++
			t.reached = append(t.reached, digest)
		case ctx.Err() != nil:
			// The send was cut short, not refused.
		case errors.Is(err, ErrTokenDead):
			t.res.Pruned++
			if _, err := s.d.Devices.DeleteOwned(ctx, d.Token, n.UserID); err != nil {
				t.err = fmt.Errorf("forget dead token %s: %w", digest, err)
				return t
			}
			s.d.Log.Info("dead push token forgotten", "device", digest, "notification", n.ID)
		case errors.As(err, &r):
			if t.retry == nil || r.After > t.retry.After {
				t.retry = r
			}
			t.retrying++
			t.lastErr = err
		default:
			t.res.Failed++
			t.lastErr = err
			s.d.Log.Warn("push refused", "device", digest, "notification", n.ID, "err", err)
		}
	}
	return t
}

func (s *Service) push(n notification.Notification, kind Kind, d device.Device) Push {
	p := Push{
		Token: d.Token, Platform: d.Platform, Title: n.Title, Body: n.Body, Urgent: n.Urgent, TTL: kind.TTL,
		Data: map[string]string{
			"kind": n.Link.Kind, "id": n.Link.ID, "notificationId": n.ID, "type": string(n.Type),
		},
	}
	if kind.Collapse {
		// Hashed: APNs takes at most 64 bytes, and ids may be long.
		p.CollapseKey = device.Digest(string(n.Type) + ":" + n.Link.Kind + ":" + n.Link.ID)
	}
	// A push sent twice (a crash between sending and recording it)
	// replaces itself on the phone instead of showing twice.
	p.ReplaceKey = device.Digest(n.ID)
	return p
}
