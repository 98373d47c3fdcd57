package http

import (
	"context"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/idempotency"
	"github.com/kincare/kincare/domain/fault"
)

const (
	headerIdempotencyKey = "Idempotency-Key"
	// headerReplayed marks a response that is the stored answer of an
	// earlier request with the same key.
	headerReplayed = "Idempotent-Replayed"
)

// replayedHeaders are the response headers a replay repeats with the
// status and body; the rest (request id, rate-limit state) belong to the
// request at hand.
var replayedHeaders = []string{
	fiber.HeaderContentType,
	fiber.HeaderContentLanguage,
	fiber.HeaderLocation,
	fiber.HeaderContentLocation,
	fiber.HeaderETag,
	fiber.HeaderLastModified,
}

// idempotent runs the rest of the chain at most once per Idempotency-Key
// of the authenticated user on this operation (see app/idempotency for
// the rules) and replays the first response to retries. It must come
// after authentication; specPath is the operation's route template. The
// contract applies it to operations marked x-idempotent (see
// idempotency_contract.go); a route built by hand may use it directly.
func idempotent(g *idempotency.Guard, operationID, specPath string) fiber.Handler {
	names := specParam.FindAllStringSubmatch(specPath, -1)
	return func(c *fiber.Ctx) error {
		a, ok := actorOf(c)
		if !ok {
			return fault.ErrUnauthenticated
		}
		key, err := idempotency.ParseKey(c.Get(headerIdempotencyKey))
		if err != nil {
			return err
		}
		params := make(map[string]string, len(names))
		for _, n := range names {
			v := c.Params(n[1])
			if u, err := url.PathUnescape(v); err == nil {
				v = u
			}
			params[n[1]] = v
		}
		ref := idempotency.Ref{Scope: idempotency.Scope{UserID: a.UserID, Operation: operationID}, Key: key}
		fp := idempotency.FingerprintOf(idempotency.Request{
			Method: c.Method(), Route: specPath, Params: params,
			Query: string(c.Request().URI().QueryString()), Body: body(c),
		})
		out, err := g.Do(c.UserContext(), ref, fp, func(context.Context) (idempotency.Response, error) {
			return respond(c)
		})
		if err != nil {
			return err
		}
		if out.Replayed {
			return replay(c, out.Response)
		}
		return nil // respond has written the response
	}
}

// respond runs the rest of the chain and renders its error, if any, here
// rather than in the error handler at the top, so that the response can
// be kept: a 422 is as much the first response as a 201.
func respond(c *fiber.Ctx) (idempotency.Response, error) {
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			return idempotency.Response{}, herr
		}
	}
	res := c.Response()
	out := idempotency.Response{
		Status: res.StatusCode(),
		Header: map[string]string{},
		Body:   append([]byte(nil), res.Body()...),
	}
	for _, h := range replayedHeaders {
		if v := res.Header.Peek(h); len(v) > 0 {
			out.Header[h] = string(v)
		}
	}
	return out, nil
}

func replay(c *fiber.Ctx, r idempotency.Response) error {
	for _, h := range replayedHeaders {
		if v, ok := r.Header[h]; ok {
			c.Set(h, v)
		}
	}
	c.Set(headerReplayed, "true")
	return c.Status(r.Status).Send(r.Body)
}
