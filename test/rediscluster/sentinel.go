package rediscluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// MasterName is the name the Sentinels know the master by.
const MasterName = "kincare"

// Sentinel is a master and its replica watched by three Sentinels
// (quorum two), which promote the replica when the master is gone.
type Sentinel struct {
	dir       string
	temp      bool
	mu        sync.Mutex
	data      []*node // master first, then replica, at start
	sentinels []*node
}

// StartSentinel starts a Sentinel deployment for t and stops it when t
// ends. Without redis-server on PATH it skips t, saying why.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	skipUnlessAvailable(t)
	s, err := LaunchSentinel(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// LaunchSentinel starts a master, a replica of it and three Sentinels
// (redis-server --sentinel: Debian ships redis-sentinel as a separate
// package, the same binary) under dir (a fresh temporary directory when
// empty), and waits until the replica is in sync and every Sentinel
// knows the replica and the other two. Close stops it.
func LaunchSentinel(dir string) (s *Sentinel, err error) {
	s = &Sentinel{dir: dir}
	if dir == "" {
		if s.dir, err = os.MkdirTemp("", "kincare-redis-sentinel-"); err != nil {
			return nil, err
		}
		s.temp = true
	}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	master, err := startNode(s.dir, false, func(port, _ int) []string { return dataNodeArgs(s.dir, port) })
	if err != nil {
		return s, err
	}
	s.data = append(s.data, master)
	host, port, _ := strings.Cut(master.addr, ":")
	replica, err := startNode(s.dir, false, func(p, _ int) []string {
		return append(dataNodeArgs(s.dir, p), "--replicaof", host, port)
	})
	if err != nil {
		return s, err
	}
	s.data = append(s.data, replica)
	for i := range 3 {
		n, err := startNode(s.dir, false, func(p, _ int) []string {
			// Sentinel rewrites its configuration file, so each has one.
			conf := filepath.Join(s.dir, fmt.Sprintf("sentinel-%d-%d.conf", i, p))
			body := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\n"+
				"sentinel monitor %[3]s %[4]s %[5]s 2\n"+
				"sentinel down-after-milliseconds %[3]s 1000\n"+
				"sentinel failover-timeout %[3]s 10000\n"+
				"sentinel parallel-syncs %[3]s 1\n", p, s.dir, MasterName, host, port)
			_ = os.WriteFile(conf, []byte(body), 0o600)
			return []string{conf, "--sentinel"}
		})
		if err != nil {
			return s, err
		}
		s.sentinels = append(s.sentinels, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return s, poll(ctx, "sentinels to know the replica and each other", s.ready)
}

// Close stops every process and removes a directory LaunchSentinel made.
func (s *Sentinel) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range append(append([]*node{}, s.sentinels...), s.data...) {
		if n.alive() {
			n.kill()
		}
	}
	if s.temp {
		_ = os.RemoveAll(s.dir)
	}
}

// Addrs lists the Sentinels as host:port: REDIS_SENTINEL_ADDRS.
func (s *Sentinel) Addrs() []string {
	out := make([]string, len(s.sentinels))
	for i, n := range s.sentinels {
		out[i] = n.addr
	}
	return out
}

// Seeds is Addrs joined with commas.
func (s *Sentinel) Seeds() string { return strings.Join(s.Addrs(), ",") }

// Client is a failover client of the test's own, closed when t ends.
func (s *Sentinel) Client(t testing.TB) *goredis.Client {
	rdb := goredis.NewFailoverClient(&goredis.FailoverOptions{MasterName: MasterName, SentinelAddrs: s.Addrs()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// Master is the master's address as a Sentinel reports it.
func (s *Sentinel) Master(ctx context.Context) (string, error) {
	var last error
	for _, n := range s.sentinels {
		rdb := goredis.NewSentinelClient(&goredis.Options{Addr: n.addr, MaxRetries: -1, DialTimeout: time.Second})
		addr, err := rdb.GetMasterAddrByName(ctx, MasterName).Result()
		_ = rdb.Close()
		if err == nil && len(addr) == 2 {
			return addr[0] + ":" + addr[1], nil
		}
		last = err
	}
	return "", fmt.Errorf("rediscluster: no sentinel names the master: %v", last)
}

// KillMaster ends the current master with SIGKILL and returns its address.
func (s *Sentinel) KillMaster(ctx context.Context) (string, error) {
	addr, err := s.Master(ctx)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.data {
		if n.addr == addr {
			n.kill()
			return addr, nil
		}
	}
	return "", fmt.Errorf("rediscluster: the master %s is not one of ours", addr)
}

// WaitFailover waits until every Sentinel names another master than dead
// and that node answers as a master. It returns the new master.
func (s *Sentinel) WaitFailover(ctx context.Context, dead string) (string, error) {
	var promoted string
	err := poll(ctx, "sentinels to promote the replica of "+dead, func(ctx context.Context) error {
		for _, n := range s.sentinels {
			rdb := goredis.NewSentinelClient(&goredis.Options{Addr: n.addr, MaxRetries: -1})
			addr, err := rdb.GetMasterAddrByName(ctx, MasterName).Result()
			_ = rdb.Close()
			if err != nil {
				return err
			}
			if got := addr[0] + ":" + addr[1]; got == dead {
				return fmt.Errorf("sentinel %s still names %s", n.addr, dead)
			} else {
				promoted = got
			}
		}
		for _, n := range s.data {
			if n.addr == promoted && n.alive() {
				if role, err := roleOf(ctx, n); err != nil || role != "master" {
					return fmt.Errorf("%s is %s (%v), not yet master", promoted, role, err)
				}
				return nil
			}
		}
		return fmt.Errorf("sentinels name %s, which is not live", promoted)
	})
	return promoted, err
}

// ready: the replica is in sync, and every Sentinel sees the master up,
// knows one replica and the two other Sentinels (they find each other
// through the master every 2 s), so a failover can be agreed at once.
func (s *Sentinel) ready(ctx context.Context) error {
	rdb := s.data[1].client()
	repl, err := rdb.Info(ctx, "replication").Result()
	_ = rdb.Close()
	if err != nil {
		return err
	}
	if infoField(repl, "master_link_status") != "up" {
		return fmt.Errorf("replica not in sync")
	}
	for _, n := range s.sentinels {
		rdb := goredis.NewSentinelClient(&goredis.Options{Addr: n.addr, MaxRetries: -1})
		master, err := rdb.Master(ctx, MasterName).Result()
		if err == nil && (master["num-slaves"] != "1" || master["num-other-sentinels"] != "2" ||
			!strings.Contains(master["flags"], "master") || strings.Contains(master["flags"], "down")) {
			err = fmt.Errorf("sentinel %s sees %s replicas, %s other sentinels, flags %s", n.addr,
				master["num-slaves"], master["num-other-sentinels"], master["flags"])
		}
		_ = rdb.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
