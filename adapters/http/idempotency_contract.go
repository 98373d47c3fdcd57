package http

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/kincare/kincare/app/idempotency"
)

// extIdempotent marks an operation that runs once per Idempotency-Key:
//
//	post:
//	  operationId: createOrder
//	  x-idempotent: true
//	  parameters:
//	    - $ref: "#/components/parameters/IdempotencyKey"
const extIdempotent = "x-idempotent"

// extSelfIdempotent marks an operation that takes Idempotency-Key and is
// idempotent by its own means: createHold passes the key to the
// reservation engine, whose hold id derives from it, so the guard's
// Redis round trips would only slow the hottest write. The contract
// checks the key (same codes as the guard, before validation) and the
// handler passes it on.
const extSelfIdempotent = "x-self-idempotent"

// idempotencyWiring links the contract to the guard; its zero value has
// none, and then no operation may be marked.
type idempotencyWiring struct{ guard *idempotency.Guard }

// useIdempotency gives the contract the guard that marked operations run
// behind. Call it before binding routes.
func (c *contract) useIdempotency(g *idempotency.Guard) { c.idempotent.guard = g }

// idempotencyStep is the step that makes the operation idempotent, if
// the spec marks it. It sits after authentication (keys are
// scoped by user) and before validation, so that a missing or malformed
// key is answered with its own code. A marking the wiring cannot honour
// panics: like an unknown operation id, it is found at start.
func (c *contract) idempotencyStep(operationID string, route *routers.Route) (step, bool) {
	op := route.Operation
	marked, declared := op.Extensions[extIdempotent] == true, declaresIdempotencyKey(op)
	self := op.Extensions[extSelfIdempotent] == true
	switch {
	case marked && self:
		panic("openapi: " + operationID + " is both " + extIdempotent + " and " + extSelfIdempotent)
	case self && !declared:
		panic("openapi: " + operationID + " is " + extSelfIdempotent + " but does not declare the IdempotencyKey parameter")
	case self:
		return step{requireIdempotencyKey, keyAnswers}, true
	case !marked && !declared:
		return step{}, false
	case !marked:
		panic("openapi: " + operationID + " takes Idempotency-Key but is not marked " + extIdempotent + ": true")
	case !declared:
		panic("openapi: " + operationID + " is " + extIdempotent + " but does not declare the IdempotencyKey parameter")
	case route.Method == http.MethodGet || route.Method == http.MethodHead:
		panic("openapi: " + operationID + " is " + extIdempotent + " but safe methods need no key")
	case c.security(op) != authRequired:
		panic("openapi: " + operationID + " is " + extIdempotent + " but does not require bearerAuth; keys are scoped by user")
	case c.idempotent.guard == nil:
		panic("openapi: " + operationID + " is " + extIdempotent + " but the server has no idempotency guard")
	}
	return step{idempotent(c.idempotent.guard, operationID, route.Path), guardAnswers}, true
}

var (
	// keyAnswers: a missing or malformed key.
	keyAnswers = []int{fiber.StatusBadRequest}
	// guardAnswers: a missing or malformed key, a first request with the
	// same key still running, the key reused for another request, and a
	// key store that cannot answer.
	guardAnswers = []int{fiber.StatusBadRequest, fiber.StatusConflict, fiber.StatusUnprocessableEntity,
		fiber.StatusServiceUnavailable}
)

func declaresIdempotencyKey(op *openapi3.Operation) bool {
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInHeader && strings.EqualFold(p.Value.Name, headerIdempotencyKey) {
			return true
		}
	}
	return false
}

// requireIdempotencyKey refuses a request of a self-idempotent operation
// without a well-formed key, as the guard would. It reads the header in
// place (ParseKey keeps nothing on refusal, and its answer is dropped):
// the handler takes its own copy.
func requireIdempotencyKey(c *fiber.Ctx) error {
	if _, err := idempotency.ParseKey(utils.UnsafeString(c.Request().Header.Peek(headerIdempotencyKey))); err != nil {
		return err
	}
	return c.Next()
}
