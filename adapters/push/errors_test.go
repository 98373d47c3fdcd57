package push_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/test/fakefcm"
)

func TestFCMRefusalsSayWhatToDoNext(t *testing.T) {
	type verdict int
	const (
		dead verdict = iota
		retry
		giveUp
	)
	cases := []struct {
		name    string
		failure fakefcm.Failure
		want    verdict
		after   time.Duration
	}{
		{"app uninstalled", fakefcm.Unregistered(), dead, 0},
		{"not a token", fakefcm.InvalidToken(), dead, 0},
		{"token of another project", fakefcm.SenderIDMismatch(), dead, 0},
		{"our payload is wrong", fakefcm.InvalidArgument("Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), Field 'ttl', Illegal duration format"), giveUp, 0},
		{"fcm internal error", fakefcm.Internal(), retry, 0},
		{"quota exceeded", fakefcm.QuotaExceeded("7"), retry, 7 * time.Second},
		// Beyond 2 minutes the SDK does not wait and hands the 503 to us.
		{"unavailable for long", fakefcm.Unavailable("600"), retry, 10 * time.Minute},
		{"proxy in front of fcm fails", fakefcm.Failure{HTTPStatus: http.StatusBadGateway, Message: "Bad Gateway"}, retry, 0},
		{"our credentials are wrong", fakefcm.Failure{HTTPStatus: http.StatusUnauthorized, Status: "UNAUTHENTICATED",
			ErrorCode: "THIRD_PARTY_AUTH_ERROR", Message: "Auth error from APNS or Web Push Service"}, giveUp, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fcm, fake := newFCM(t)
			p := visitStarted()
			fake.FailNext(p.Token, c.failure)
			err := fcm.Send(t.Context(), p)
			var re *notify.RetryableError
			isRetry := errors.As(err, &re)
			switch {
			case err == nil:
				t.Fatal("send succeeded")
			case c.want == dead && !errors.Is(err, notify.ErrTokenDead):
				t.Fatalf("err = %v, want ErrTokenDead", err)
			case c.want == retry && (!isRetry || re.After != c.after):
				t.Fatalf("err = %#v, want RetryableError after %s", err, c.after)
			case c.want == giveUp && (isRetry || errors.Is(err, notify.ErrTokenDead)):
				t.Fatalf("err = %v, want a plain error", err)
			case c.want != retry && isRetry:
				t.Fatalf("err = %v, must not be retried", err)
			}
			if fake.Requests() != 1 {
				t.Fatalf("requests = %d, want 1 (no SDK retry)", fake.Requests())
			}
		})
	}
}

func TestRetryAfterAsHTTPDate(t *testing.T) {
	fcm, fake := newFCM(t)
	p := visitStarted()
	at := time.Now().Add(90 * time.Second).UTC()
	fake.FailNext(p.Token, fakefcm.QuotaExceeded(at.Format(http.TimeFormat)))
	var re *notify.RetryableError
	if err := fcm.Send(t.Context(), p); !errors.As(err, &re) {
		t.Fatalf("err = %v, want RetryableError", err)
	}
	if re.After < 85*time.Second || re.After > 90*time.Second {
		t.Fatalf("After = %s, want about 90s", re.After)
	}
}
