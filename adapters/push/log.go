package push

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"

	"github.com/kincare/kincare/app/notify"
)

// LogSender logs pushes instead of sending them, for the embedded mode
// without FCM credentials.
type LogSender struct{ log *slog.Logger }

func NewLogSender(log *slog.Logger) *LogSender { return &LogSender{log: log} }

// Send logs enough to follow the pipeline, but not the token (it lets
// anyone push to the phone) nor the body (it names family members).
func (s *LogSender) Send(ctx context.Context, p notify.Push) error {
	s.log.InfoContext(ctx, "push not sent: log sender",
		"event", p.Data["type"], "kind", p.Data["kind"], "id", p.Data["id"],
		"title", p.Title, "platform", string(p.Platform), "urgent", p.Urgent,
		"collapse_key", p.CollapseKey, "token", tokenHash(p.Token))
	return nil
}

// tokenHash is a short, stable stand-in for a device token in logs: the
// same token always gives the same 12 hex digits, which cannot be turned
// back into it.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:6])
}
