package redis

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/domain/fault"
)

// retryUnavailable is the Retry-After of a call Redis could not answer. A
// failover takes a few seconds (the cluster's node timeout, or Sentinel's
// down-after-milliseconds, plus an election); a client that comes back
// after one second and then backs off finds the promoted replica soon
// after it exists, without a storm of retries meanwhile.
const retryUnavailable = time.Second

// storeErr wraps a failed call with what it was doing. When Redis could
// not answer at all (a node down or unreachable, a failover under way, a
// cluster missing a shard) it is also fault.ErrStoreUnavailable with
// Retry-After, so the client is told 503 and when to try again, not a
// 500 that reads as a bug. Other errors (a script's bug, a malformed
// reply) stay internal.
func storeErr(op string, err error) error {
	err = fmt.Errorf("redis: %s: %w", op, err)
	if Unavailable(err) {
		return fault.ErrStoreUnavailable.Retry(retryUnavailable).Wrap(err)
	}
	return err
}

// unavailablePrefixes are the replies of a node that is up but cannot
// serve now: the cluster lost a shard (CLUSTERDOWN), a master just became
// a replica (READONLY) or lost its own master (MASTERDOWN), a node is
// loading its data (LOADING), keys are moving between nodes (TRYAGAIN),
// or a script runs too long (BUSY).
var unavailablePrefixes = []string{"CLUSTERDOWN", "READONLY", "MASTERDOWN", "LOADING", "TRYAGAIN", "BUSY"}

// Unavailable reports whether err means Redis did not answer, or answered
// that it cannot serve for now: worth trying again in a moment, and no
// sign that the request was wrong.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, goredis.Nil) {
		return false
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, goredis.ErrPoolTimeout) || errors.Is(err, goredis.ErrClosed) {
		return true
	}
	for _, p := range unavailablePrefixes {
		if goredis.HasErrorPrefix(err, p) {
			return true
		}
	}
	// go-redis' failover client reports this one as text.
	return strings.Contains(err.Error(), "all sentinels specified in configuration are unreachable")
}
