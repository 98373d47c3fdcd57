package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/kincare/kincare/adapters/config"
)

// healthcheck is `kincare healthcheck`: the container image has no curl,
// so the binary asks its own /healthz on HTTP_ADDR. Exit 0 when healthy.
func healthcheck(lookup func(string) (string, bool), stderr io.Writer) int {
	cfg, err := config.Load(lookup)
	if err != nil {
		fmt.Fprintln(stderr, "kincare healthcheck: configuration:", err)
		return 1
	}
	host, port, _ := net.SplitHostPort(cfg.HTTPAddr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + "/healthz")
	if err != nil {
		fmt.Fprintln(stderr, "kincare healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "kincare healthcheck: /healthz answered", resp.Status)
		return 1
	}
	return 0
}
