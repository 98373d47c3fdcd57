// Package rediscluster starts the Redis deployments kincare runs on beyond
// one machine, from redis-server processes on loopback ports, for tests:
// a Redis Cluster of three masters with a replica each, and a master and
// replica watched by three Sentinels. Either can lose a master to SIGKILL
// and report when a replica has taken over.
//
// Nothing persists (no RDB, no AOF): a node killed is gone with whatever
// it had not yet sent its replica, which is the loss a failover may cause
// in production. Timeouts are short (a node is failed after 1 s) so a
// failover takes seconds, not the default's half minute.
//
// It exists to test kincare, not to run it: only tests and CI import it.
package rediscluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Available tells whether redis-server and redis-cli are on PATH.
func Available() bool {
	for _, bin := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(bin); err != nil {
			return false
		}
	}
	return true
}

// skipUnlessAvailable skips t, saying why, where redis-server is absent.
func skipUnlessAvailable(t testing.TB) {
	t.Helper()
	if !Available() {
		t.Skip("needs redis-server and redis-cli on PATH (apt-get install redis-server): " +
			"the test runs against a Redis deployment of several processes")
	}
}

// node is one redis-server process (a data node or a Sentinel).
type node struct {
	addr   string // 127.0.0.1:port
	cmd    *exec.Cmd
	exited chan struct{}
	log    string
}

// startNode starts redis-server with args (a config file first, if any,
// then options) on a free loopback port chosen here, and waits until it
// answers PING. busPort, when true, also gives it a free cluster bus port.
// A port taken between choosing and binding makes the process exit; it is
// then started again on other ports.
func startNode(dir string, busPort bool, args func(port, bus int) []string) (*node, error) {
	var lastErr error
	for range 5 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		bus := 0
		if busPort {
			if bus, err = freePort(); err != nil {
				return nil, err
			}
		}
		n, err := launch(dir, port, args(port, bus))
		if err == nil {
			return n, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func launch(dir string, port int, args []string) (*node, error) {
	logPath := filepath.Join(dir, strconv.Itoa(port)+".log")
	cmd := exec.Command("redis-server", args...)
	cmd.Dir = dir
	// Files, not pipes: a pipe nobody reads would block the server. What
	// it says before it opens its log (a bad option) goes to stderr.
	cmd.Args = append(cmd.Args, "--logfile", logPath)
	stderr, err := os.Create(logPath + ".stderr")
	if err != nil {
		return nil, err
	}
	defer stderr.Close()
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("rediscluster: start redis-server: %w", err)
	}
	n := &node{addr: "127.0.0.1:" + strconv.Itoa(port), cmd: cmd, exited: make(chan struct{}), log: logPath}
	go func() { _ = cmd.Wait(); close(n.exited) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rdb := goredis.NewClient(&goredis.Options{Addr: n.addr, MaxRetries: -1, DialTimeout: time.Second})
	defer rdb.Close()
	for {
		if rdb.Ping(ctx).Err() == nil {
			return n, nil
		}
		select {
		case <-n.exited:
			return nil, fmt.Errorf("rediscluster: redis-server on %s exited at start: %s", n.addr, n.logTail())
		case <-ctx.Done():
			n.kill()
			return nil, fmt.Errorf("rediscluster: redis-server on %s did not answer: %s", n.addr, n.logTail())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// kill ends the process at once (SIGKILL), as a crash or a lost machine
// would, and waits for it.
func (n *node) kill() {
	_ = n.cmd.Process.Signal(syscall.SIGKILL)
	<-n.exited
}

func (n *node) alive() bool {
	select {
	case <-n.exited:
		return false
	default:
		return true
	}
}

func (n *node) client() *goredis.Client {
	return goredis.NewClient(&goredis.Options{Addr: n.addr, MaxRetries: -1, DialTimeout: time.Second})
}

func (n *node) logTail() string {
	b, _ := os.ReadFile(n.log)
	if early, _ := os.ReadFile(n.log + ".stderr"); len(early) > 0 {
		b = append(early, b...)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, " | ")
}

// freePort asks the kernel for a free loopback port. Another process may
// take it before redis-server binds it; startNode then tries again.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("rediscluster: no free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// dataNodeArgs are the options every data node gets: loopback only,
// nothing written to disk, replicas synced over the socket at once.
func dataNodeArgs(dir string, port int) []string {
	return []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
		"--maxmemory-policy", "noeviction"}
}

// poll runs check every 50 ms until it returns nil or ctx ends, and then
// returns what check last said.
func poll(ctx context.Context, what string, check func(context.Context) error) error {
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("rediscluster: %s: %w (last: %v)", what, ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// infoField reads one field of an INFO section ("role", "master_link_status").
func infoField(info, field string) string {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), field+":"); ok {
			return v
		}
	}
	return ""
}

var errNotYet = errors.New("not yet")
