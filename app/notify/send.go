package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/notification"
)

// SendResult is what one run of SendPush did, for metrics.
type SendResult struct {
	Sent   int // devices reached
	Pruned int // dead tokens forgotten
	Failed int // devices given up on
	// Final is the push state written, empty when another try follows.
	Final notification.PushState
}

// SendPush pushes a notification to every device of its user it has not
// reached yet. A dead token is forgotten; a refusal the push service
// calls temporary returns a *RetryableError so the queue tries again
// later, unless this is the last try (final), in which case the push is
// recorded as failed and the inbox entry stays. Running it again after a
// success sends nothing.
func (s *Service) SendPush(ctx context.Context, id string, final bool) (SendResult, error) {
	var res SendResult
	n, err := s.d.Inbox.Get(ctx, id)
	if fault.Is(err, notification.ErrNotFound) {
		return res, nil // the user deleted their account since
	}
	if err != nil {
		return res, err
	}
	if n.Push.State.Done() {
		return res, nil
	}
	kind, ok := s.d.Kinds[n.Type]
	if !ok {
		return res, fmt.Errorf("%w: %s", ErrUnknownEvent, n.Type)
	}
	if n.Push.State == notification.PushDeferred {
		// The user may have switched the category off while it waited.
		prefs, err := s.d.Preferences.Get(ctx, n.UserID)
		if err != nil {
			return res, fmt.Errorf("preferences of %s: %w", n.UserID, err)
		}
		if !prefs.Enabled(n.Category) {
			res.Final = notification.PushSkipped
			return res, s.d.Inbox.FinishPush(ctx, id, res.Final, nil, "")
		}
	}
	devices, err := s.d.Devices.ListByUser(ctx, n.UserID)
	if err != nil {
		return res, fmt.Errorf("devices of %s: %w", n.UserID, err)
	}
	var retry *RetryableError
	var lastErr error
	var reached []string
	for _, d := range devices {
		digest := device.Digest(d.Token)
		if slices.Contains(n.Push.SentTo, digest) || (kind.EarlierDevicesOnly && !d.RegisteredBy(n.CreatedAt)) {
			continue
		}
		err := s.d.Pusher.Send(ctx, s.push(n, kind, d))
		var r *RetryableError
		switch {
		case err == nil:
			res.Sent++
			reached = append(reached, digest)
		case errors.Is(err, ErrTokenDead):
			res.Pruned++
			if _, err := s.d.Devices.DeleteOwned(ctx, d.Token, n.UserID); err != nil {
				return res, fmt.Errorf("forget dead token %s: %w", digest, err)
			}
			s.d.Log.Info("dead push token forgotten", "device", digest, "notification", id)
		case errors.As(err, &r):
			if retry == nil || r.After > retry.After {
				retry = r
			}
			lastErr = err
		default:
			res.Failed++
			lastErr = err
			s.d.Log.Warn("push refused", "device", digest, "notification", id, "err", err)
		}
	}
	if retry != nil && !final {
		if err := s.d.Inbox.RecordAttempt(ctx, id, reached, lastErr.Error()); err != nil {
			return res, err
		}
		return res, retry
	}
	// Final: sent if this try reached a device or nothing failed (no
	// devices, or all reached before); failed if every device it tried
	// kept refusing. A partial delivery is sent, with the error kept.
	errText := ""
	if lastErr != nil {
		errText = lastErr.Error()
	}
	if retry != nil {
		res.Failed++
		s.d.Log.Warn("push failed after the last try", "notification", id, "err", lastErr)
	}
	res.Final = notification.PushSent
	if res.Failed > 0 && res.Sent == 0 {
		res.Final = notification.PushFailed
	}
	return res, s.d.Inbox.FinishPush(ctx, id, res.Final, reached, errText)
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
	return p
}
