package http

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

const localClientIP = "kincare.clientIP"

// clientIPs resolves who is calling, for rate limits and logs.
//
// Behind trusted proxies X-Forwarded-For is read from the right: each
// trusted hop appended the address it received from, so the first
// address from the right that is not a trusted proxy is the client, and
// everything to its left was written by the client and is ignored.
// (Fiber's own proxy support takes the leftmost entry, which lets a
// client pick its own rate-limit key.)
type clientIPs struct{ trusted []netip.Prefix }

func newClientIPs(trusted []string) (clientIPs, error) {
	var r clientIPs
	for _, t := range trusted {
		if p, err := netip.ParsePrefix(t); err == nil {
			r.trusted = append(r.trusted, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(t)
		if err != nil {
			return r, fmt.Errorf("trusted proxy %q: %w", t, err)
		}
		r.trusted = append(r.trusted, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return r, nil
}

func (r clientIPs) isTrusted(a netip.Addr) bool {
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func (r clientIPs) resolve(c *fiber.Ctx) string {
	remote, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	remote = remote.Unmap()
	if !r.isTrusted(remote) {
		return remote.String()
	}
	// A proxy may add its own X-Forwarded-For line instead of extending
	// the client's; read every line, in order, as one list.
	var lines []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		lines = append(lines, string(v))
	}
	hops := strings.Split(strings.Join(lines, ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: trust nothing left of it
		}
		hop = hop.Unmap()
		if !r.isTrusted(hop) {
			return hop.String()
		}
		remote = hop
	}
	return remote.String()
}

// middleware stores the client address for everything after it.
func (r clientIPs) middleware(c *fiber.Ctx) error {
	c.Locals(localClientIP, r.resolve(c))
	return c.Next()
}

func clientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(localClientIP).(string); ok {
		return ip
	}
	return c.IP()
}
