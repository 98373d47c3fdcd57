package http

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/adapters/console"
	"github.com/kincare/kincare/domain/fault"
)

// consoleHandlers serve the regulator's web console from the binary:
// the page at /console/ and its assets at /console/{asset}. The console
// calls the /v1 operations like any other client; nothing here knows
// what it shows.
type consoleHandlers struct{ files *console.Files }

// newConsoleHandlers reads the embedded files. It panics if it cannot:
// they are fixed at build time, so that is a programming error found at
// start (and by the console package's tests), like an unbound operation.
func newConsoleHandlers() consoleHandlers {
	f, err := console.Load()
	if err != nil {
		panic(err)
	}
	return consoleHandlers{files: f}
}

func (h consoleHandlers) page(c *fiber.Ctx) error { return serveConsoleAsset(c, h.files.Page()) }

func (h consoleHandlers) asset(c *fiber.Ctx) error {
	a, ok := h.files.Lookup(c.Params("asset"))
	if !ok {
		return fault.ErrNotFound
	}
	return serveConsoleAsset(c, a)
}

// serveConsoleAsset answers with the asset, or 304 to a client that
// holds it already. Every answer carries the console's policy: only this
// origin's scripts, styles and API, never framed (a framed console could
// be clicked through by another site).
func serveConsoleAsset(c *fiber.Ctx, a console.Asset) error {
	c.Set(fiber.HeaderContentSecurityPolicy, console.ContentSecurityPolicy)
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderETag, a.ETag)
	if a.Immutable {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		// The page and the console's own scripts change with a new
		// binary under the same names: a cache keeps them but asks first.
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	if c.Get(fiber.HeaderIfNoneMatch) == a.ETag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	return c.Send(a.Body)
}
