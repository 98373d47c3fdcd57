// Command redis-deployment starts a Redis Cluster (three masters, one
// replica each) or, with -sentinel, a master, a replica and three
// Sentinels, on free loopback ports; prints the variables that point
// kincare and its tests at it, one NAME=value a line; and stops it all on
// SIGINT or SIGTERM. CI runs the Redis suites against it:
//
//	go run ./test/rediscluster/cmd/redis-deployment > deployment.env &
//	set -a; . ./deployment.env; set +a; go test ./adapters/redis/
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kincare/kincare/test/rediscluster"
)

func main() {
	sentinel := flag.Bool("sentinel", false, "start Sentinel instead of a cluster")
	flag.Parse()
	if !rediscluster.Available() {
		fmt.Fprintln(os.Stderr, "redis-deployment: needs redis-server and redis-cli on PATH")
		os.Exit(1)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	var closeFn func()
	if *sentinel {
		s, err := rediscluster.LaunchSentinel("")
		if err != nil {
			fmt.Fprintln(os.Stderr, "redis-deployment:", err)
			os.Exit(1)
		}
		closeFn = s.Close
		fmt.Printf("REDIS_SENTINEL_ADDRS=%s\nREDIS_SENTINEL_MASTER=%s\n", s.Seeds(), rediscluster.MasterName)
	} else {
		c, err := rediscluster.LaunchCluster("")
		if err != nil {
			fmt.Fprintln(os.Stderr, "redis-deployment:", err)
			os.Exit(1)
		}
		closeFn = c.Close
		fmt.Printf("REDIS_CLUSTER_ADDRS=%s\n", c.Seeds())
	}
	<-stop
	closeFn()
}
