// Package sms delivers login codes. LogSender is for development: it
// writes the code to the log and is refused in production. WebhookSender
// posts to an SMS gateway over HTTP.
package sms

import (
	"context"
	"log/slog"

	"github.com/kincare/kincare/domain/identity"
)

// LogSender prints codes instead of sending them.
type LogSender struct{ log *slog.Logger }

func NewLogSender(log *slog.Logger) *LogSender { return &LogSender{log: log} }

// SendLoginCode logs the code with the phone masked: a developer needs the
// code, nobody needs the number in the logs.
func (s *LogSender) SendLoginCode(ctx context.Context, phone identity.Phone, code string, _ identity.Locale) error {
	s.log.InfoContext(ctx, "sms not sent: development log sender", "phone", phone.Masked(), "code", code)
	return nil
}

// SendAlert logs an alert text with the phone masked and its template.
func (s *LogSender) SendAlert(ctx context.Context, phone identity.Phone, template string, _ map[string]any, _ identity.Locale) error {
	s.log.InfoContext(ctx, "sms not sent: development log sender", "phone", phone.Masked(), "template", template)
	return nil
}
