package redis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/domain/fault"
)

// redisError is a reply error as go-redis returns it (proto.RedisError).
type redisError string

func (e redisError) Error() string { return string(e) }
func (redisError) RedisError()     {}

// What a failover looks like to a caller (a node gone, the cluster down
// until a replica takes over, a demoted master) is 503 store_unavailable
// with Retry-After; a reply that is a bug of ours stays internal.
func TestAFailoverIsStoreUnavailableAndABugIsNot(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: "connection refused"}}
	for _, err := range []error{
		refused,
		fmt.Errorf("read: %w", syscall.ECONNRESET),
		&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
		io.EOF,
		goredis.ErrPoolTimeout,
		goredis.ErrClosed,
		redisError("CLUSTERDOWN The cluster is down"),
		redisError("READONLY You can't write against a read only replica."),
		redisError("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."),
		redisError("LOADING Redis is loading the dataset in memory"),
		redisError("TRYAGAIN Multiple keys request during rehashing of slot"),
		errors.New("redis: all sentinels specified in configuration are unreachable: dial tcp: refused"),
		context.DeadlineExceeded,
	} {
		got := storeErr("hold", err)
		fe, ok := fault.As(got)
		if !ok || !fault.Is(got, fault.ErrStoreUnavailable) || fe.RetryAfter != time.Second {
			t.Errorf("%v: %v; want store_unavailable retrying after 1s", err, got)
		}
		if !errors.Is(got, err) {
			t.Errorf("%v: the cause is lost from %v", err, got)
		}
	}
	for _, err := range []error{
		redisError("ERR Error running script (call to f_…): @user_script:12: attempt to compare nil with number"),
		redisError("WRONGTYPE Operation against a key holding the wrong kind of value"),
		redisError("CROSSSLOT Keys in request don't hash to the same slot"),
		goredis.Nil,
		context.Canceled,
	} {
		if got := storeErr("hold", err); fault.Is(got, fault.ErrStoreUnavailable) {
			t.Errorf("%v is not an outage, but became %v", err, got)
		}
	}
}
