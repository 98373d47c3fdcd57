package http

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/kincare/kincare/domain/fault"
)

const problemJSON = "application/problem+json"

// Problem is an RFC 9457 problem details body with kincare's extensions:
// a stable machine code, the request id, and per-field errors.
type Problem struct {
	Type      string             `json:"type"`
	Title     string             `json:"title"`
	Status    int                `json:"status"`
	Detail    string             `json:"detail"`
	Instance  string             `json:"instance,omitempty"`
	Code      string             `json:"code"`
	RequestID string             `json:"requestId,omitempty"`
	Errors    []fault.FieldError `json:"errors,omitempty"`
}

var kindStatus = map[fault.Kind]int{
	fault.Internal:         fiber.StatusInternalServerError,
	fault.Invalid:          fiber.StatusBadRequest,
	fault.Unauthenticated:  fiber.StatusUnauthorized,
	fault.Forbidden:        fiber.StatusForbidden,
	fault.NotFound:         fiber.StatusNotFound,
	fault.Conflict:         fiber.StatusConflict,
	fault.Unprocessable:    fiber.StatusUnprocessableEntity,
	fault.RateLimited:      fiber.StatusTooManyRequests,
	fault.Unavailable:      fiber.StatusServiceUnavailable,
	fault.UnsupportedMedia: fiber.StatusUnsupportedMediaType,
}

// fiberCodes names the errors Fiber itself raises before our handlers run.
var fiberCodes = map[int]string{
	fiber.StatusBadRequest:                  "bad_request",
	fiber.StatusNotFound:                    "route_not_found",
	fiber.StatusMethodNotAllowed:            "method_not_allowed",
	fiber.StatusRequestTimeout:              "request_timeout",
	fiber.StatusRequestEntityTooLarge:       "body_too_large",
	fiber.StatusRequestHeaderFieldsTooLarge: "header_too_large",
	fiber.StatusUnsupportedMediaType:        "unsupported_media_type",
	fiber.StatusUnauthorized:                "unauthenticated",
	fiber.StatusForbidden:                   "forbidden",
	fiber.StatusTooManyRequests:             "rate_limited",
	fiber.StatusServiceUnavailable:          "unavailable",
}

// errorHandler is the one place an error becomes a response. Clients get
// a code and localized text; the underlying error goes to the log only.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		status, code, fe := classify(err)
		if status >= 500 {
			log.ErrorContext(c.UserContext(), "request failed", "request_id", requestID(c), "route", routeOf(c), "err", err)
		}
		var wm withMembers
		if errors.As(err, &wm) && status < 500 {
			return writeProblem(c, status, code, fe, wm.members)
		}
		if fe != nil && status < 500 {
			return writeProblem(c, status, code, fe, fe.Members)
		}
		return writeProblem(c, status, code, fe, nil)
	}
}

// withMembers is an error whose problem carries extension members (RFC
// 9457 §3.2) beside kincare's own: data a client acts on, such as the
// new price of an order whose allowance changed.
type withMembers struct {
	error
	members map[string]any
}

func (w withMembers) Unwrap() error { return w.error }

func classify(err error) (int, string, *fault.Error) {
	if fe, ok := fault.As(err); ok {
		return kindStatus[fe.Kind], codeOrInternal(fe), fe
	}
	var fbe *fiber.Error
	if errors.As(err, &fbe) {
		if code, ok := fiberCodes[fbe.Code]; ok {
			return fbe.Code, code, nil
		}
		if fbe.Code < 500 {
			return fiber.StatusBadRequest, "bad_request", nil
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// A store too busy to answer in time (a connection pool that
		// stayed empty, a query past its deadline): the client may try
		// again shortly, and should not read it as a bug. A store that
		// did not answer at all (Redis failing over) says so itself, as
		// the same fault.ErrStoreUnavailable.
		busy := fault.ErrStoreUnavailable.Retry(time.Second)
		return fiber.StatusServiceUnavailable, busy.Code, busy
	}
	return fiber.StatusInternalServerError, "internal", nil
}

func codeOrInternal(fe *fault.Error) string {
	if fe.Kind == fault.Internal {
		return "internal"
	}
	return fe.Code
}

func writeProblem(c *fiber.Ctx, status int, code string, fe *fault.Error, members map[string]any) error {
	var params map[string]any
	id := requestID(c)
	if id == "" {
		// Fiber answers 413 and 431 before any middleware runs.
		id = uuid.NewString()
		c.Set(headerRequestID, id)
	}
	p := Problem{Type: "urn:kincare:problem:" + code, Status: status, Code: code, RequestID: id}
	if fe != nil {
		params = fe.Params
		p.Errors = fe.Fields
		if fe.RetryAfter > 0 {
			secs := int(math.Ceil(fe.RetryAfter.Seconds()))
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
			params = withParam(params, "retryAfter", secs)
		}
	}
	if status == fiber.StatusUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="kincare"`)
	}
	p.Title, p.Detail = localize(code, lang(c.Get(fiber.HeaderAcceptLanguage)), params)
	if p.RequestID != "" {
		p.Instance = "urn:kincare:request:" + p.RequestID
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if len(members) > 0 {
		var merged map[string]any
		if err := json.Unmarshal(body, &merged); err != nil {
			return err
		}
		for k, v := range members {
			if _, own := merged[k]; !own {
				merged[k] = v
			}
		}
		if body, err = json.Marshal(merged); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderContentType, problemJSON)
	c.Set(fiber.HeaderContentLanguage, lang(c.Get(fiber.HeaderAcceptLanguage)))
	return c.Status(status).Send(body)
}

func withParam(params map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(params)+1)
	for pk, pv := range params {
		out[pk] = pv
	}
	out[k] = v
	return out
}
