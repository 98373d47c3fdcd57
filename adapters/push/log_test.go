package push_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/kincare/kincare/adapters/push"
)

func TestLogSenderKeepsTokenAndBodyOutOfTheLog(t *testing.T) {
	var buf bytes.Buffer
	s := push.NewLogSender(slog.New(slog.NewTextHandler(&buf, nil)))
	p := visitStarted()
	if err := s.Send(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	line := buf.String()
	for _, secret := range []string{p.Token, p.Body, "Wang"} {
		if strings.Contains(line, secret) {
			t.Errorf("log line reveals %q: %s", secret, line)
		}
	}
	for _, want := range []string{"event=visit.started", "kind=order", "id=o-42", "urgent=true", "collapse_key=order:o-42", "platform=ios", "token="} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %q: %s", want, line)
		}
	}
}
