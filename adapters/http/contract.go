package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/domain/fault"
)

// LoadSpec parses and validates the contract.
func LoadSpec(yaml []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(yaml)
	if err != nil {
		return nil, fmt.Errorf("openapi: parse: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: invalid spec: %w", err)
	}
	return doc, nil
}

// contract registers Fiber routes from the spec's operations, so a route
// exists only where the spec has an operation, and every request is
// validated against that operation before its handler runs. Operations
// marked with bearerAuth get authentication; unsafe methods of
// authenticated operations get the per-user write limit.
type contract struct {
	app        *fiber.App
	doc        *openapi3.T
	ops        map[string]*routers.Route
	bound      map[string]bool
	auth       fiber.Handler
	writeLimit fiber.Handler
	idempotent idempotencyWiring // see idempotency_contract.go
	// answers holds, per operation id, every status something in front
	// of its handler may answer instead of passing the request on; the
	// spec must declare each (TestEveryMiddlewareStatusIsDeclared).
	answers map[string][]int
}

func newContract(app *fiber.App, doc *openapi3.T, auth, writeLimit fiber.Handler) *contract {
	c := &contract{app: app, doc: doc, ops: map[string]*routers.Route{}, bound: map[string]bool{}, auth: auth,
		writeLimit: writeLimit, answers: map[string][]int{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			c.ops[op.OperationID] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	return c
}

var specParam = regexp.MustCompile(`\{([^}]+)\}`)

// fiberPath turns /v1/me/devices/{token} into /v1/me/devices/:token.
func fiberPath(specPath string) string { return specParam.ReplaceAllString(specPath, ":$1") }

// handle binds h to the operation with this id. It panics on an unknown
// id: that is a programming error found at start, not at request time.
func (c *contract) handle(operationID string, h fiber.Handler) {
	route, ok := c.ops[operationID]
	if !ok {
		panic("openapi: no operation " + operationID)
	}
	c.bound[operationID] = true
	steps := []step{{run: markRoute(route.Path)}}
	switch c.security(route.Operation) {
	case authRequired:
		steps = append(steps, step{c.auth, authAnswers})
		if route.Method != http.MethodGet {
			steps = append(steps, step{c.writeLimit, limitAnswers})
		}
	case authOptional:
		steps = append(steps, step{optional(c.auth), authAnswers})
	}
	if s, ok := c.idempotencyStep(operationID, route); ok {
		steps = append(steps, s)
	}
	steps = append(steps, step{declaredQuery(route), []int{fiber.StatusBadRequest}})
	if needsValidation(route.Operation) {
		steps = append(steps, step{validate(route), validationAnswers(route.Operation)})
	}
	answers := beforeRouting(route)
	chain := make([]fiber.Handler, 0, len(steps)+1)
	for _, s := range steps {
		chain = append(chain, s.run)
		answers = append(answers, s.answers...)
	}
	slices.Sort(answers)
	c.answers[operationID] = slices.Compact(answers)
	chain = append(chain, h)
	c.app.Add(route.Method, fiberPath(route.Path), chain...)
	if route.Method == http.MethodGet {
		// RFC 9110: HEAD answers as GET without a body (fasthttp drops it).
		c.app.Add(http.MethodHead, fiberPath(route.Path), chain...)
	}
}

// A step is one handler in front of an operation's own, with the
// statuses it answers when it stops a request. Each step is added with
// its statuses in one place, so the list cannot drift from the chain.
type step struct {
	run     fiber.Handler
	answers []int
}

var (
	// authAnswers: no, bad or stale credentials, and an account store
	// too slow to say who the caller is.
	authAnswers = []int{fiber.StatusUnauthorized, fiber.StatusServiceUnavailable}
	// limitAnswers: the per-user write limit.
	limitAnswers = []int{fiber.StatusTooManyRequests}
)

// validationAnswers: parameters that break the schema are 400; a body
// that is not JSON is 400, one in another media type 415, one that
// breaks the schema 422.
func validationAnswers(op *openapi3.Operation) []int {
	if op.RequestBody == nil {
		return []int{fiber.StatusBadRequest}
	}
	return []int{fiber.StatusBadRequest, fiber.StatusUnsupportedMediaType, fiber.StatusUnprocessableEntity}
}

// beforeRouting are the statuses the app-wide middleware in New answers
// before a request reaches an operation's chain: Fiber refuses a body
// over the limit (413) for operations that take one, and the per-IP
// limit (429) covers every route but the probes and metrics.
func beforeRouting(route *routers.Route) []int {
	var out []int
	if route.Operation.RequestBody != nil {
		out = append(out, fiber.StatusRequestEntityTooLarge)
	}
	if !unlimitedPaths[route.Path] {
		out = append(out, fiber.StatusTooManyRequests)
	}
	return out
}

// unbound lists operations no handler serves.
func (c *contract) unbound() []string {
	var out []string
	for id := range c.ops {
		if !c.bound[id] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

type authMode int

const (
	authNone authMode = iota
	authOptional
	authRequired
)

// security reads the operation's requirements: bearerAuth alone means
// required; bearerAuth beside an empty requirement ({}) means a caller
// may identify themselves (a provider's admin sees more of its page).
func (c *contract) security(op *openapi3.Operation) authMode {
	reqs := c.doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	bearer, anonymous := false, len(reqs) == 0
	for _, r := range reqs {
		if _, ok := r["opsCookie"]; ok {
			// The ops views authenticate themselves, from their cookie
			// or a bearer token (see ops.go).
			return authNone
		}
		if _, ok := r["bearerAuth"]; ok {
			bearer = true
		}
		if len(r) == 0 {
			anonymous = true
		}
	}
	switch {
	case bearer && anonymous:
		return authOptional
	case bearer:
		return authRequired
	}
	return authNone
}

// optional authenticates only requests that carry credentials; bad
// credentials are still refused rather than silently ignored.
func optional(auth fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Get(fiber.HeaderAuthorization) == "" {
			return c.Next()
		}
		return auth(c)
	}
}

func needsValidation(op *openapi3.Operation) bool {
	return op.RequestBody != nil || len(op.Parameters) > 0
}

func markRoute(path string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localRoute, path)
		return c.Next()
	}
}

// declaredQuery refuses query parameters the operation does not declare
// (400 invalid_parameter, unknown_parameter): silently ignored, a typo
// would look like a filter that matched everything, and
// ?familyId[$ne]=x like one that worked.
func declaredQuery(route *routers.Route) fiber.Handler {
	known := map[string]bool{}
	for _, p := range append(append(openapi3.Parameters{}, route.PathItem.Parameters...), route.Operation.Parameters...) {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
			known[p.Value.Name] = true
		}
	}
	return func(c *fiber.Ctx) error {
		var unknown []fault.FieldError
		c.Context().QueryArgs().VisitAll(func(k, _ []byte) {
			if name := string(k); !known[name] {
				unknown = append(unknown, fault.FieldError{Field: "query." + name, Code: "unknown_parameter"})
			}
		})
		if len(unknown) > 0 {
			return errInvalidParameter.WithFields(unknown...)
		}
		return c.Next()
	}
}

var validationOptions = &openapi3filter.Options{
	MultiError:         true,
	AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
}

// validate checks parameters and body against the operation's schema
// with kin-openapi's own checks, as openapi3filter.ValidateRequest would,
// but without the work that request after request gives the same answer:
//   - the operation's parameters are listed once, here, not per request;
//   - the security requirements are not walked: with the no-op
//     authentication function they always pass (authenticate checks the
//     caller, in front of this step);
//   - a small body that passed is remembered (passedBodies), so the same
//     bytes under the same Content-Type skip the decoding and the schema
//     walk: {"tier":"market"} on every hold of a flash crowd. Only bodies
//     kin-openapi accepted are kept, and its verdict depends on nothing
//     else, so the answer is the same.
//   - when every parameter is a plain string (plainParameters), each is
//     checked by kin-openapi's own string check alone, and a request
//     whose parameters pass and whose body was remembered goes on with no
//     request built for kin-openapi: the hold of a flash crowd. Anything
//     else, and anything that fails there, takes the whole way below, so
//     a refusal is worded as before.
func validate(route *routers.Route) fiber.Handler {
	names := specParam.FindAllStringSubmatch(route.Path, -1)
	parameters := operationParameters(route)
	plain := plainParameters(parameters)
	var passed *passedBodies
	if route.Operation.RequestBody != nil {
		passed = newPassedBodies()
	}
	return func(c *fiber.Ctx) error {
		if plain != nil && plain.pass(c) && (route.Operation.RequestBody == nil ||
			passed.has(c.Get(fiber.HeaderContentType), body(c))) {
			return c.Next()
		}
		params := make(map[string]string, len(names))
		for _, n := range names {
			v, err := url.PathUnescape(c.Params(n[1]))
			if err != nil {
				return fault.New(fault.Invalid, "invalid_parameter").WithFields(fault.FieldError{Field: "path." + n[1], Code: "escape"})
			}
			params[n[1]] = v
		}
		req := &http.Request{
			Method: c.Method(),
			URL:    &url.URL{Path: c.Path(), RawQuery: string(c.Request().URI().QueryString())},
			Header: make(http.Header, 2),
		}
		ct := c.Get(fiber.HeaderContentType)
		if ct != "" {
			req.Header.Set(fiber.HeaderContentType, ct)
		}
		for _, p := range parameters {
			// Header parameters the operation declares (Idempotency-Key).
			if p.In == openapi3.ParameterInHeader {
				if v := c.Get(p.Name); v != "" {
					req.Header.Set(p.Name, v)
				}
			}
		}
		body := body(c)
		known := passed.has(ct, body)
		if len(body) > 0 && !known {
			// kin-openapi reads the first JSON value and ignores what
			// follows it; a body is one value or it is not JSON.
			if jsonMedia(ct) && !json.Valid(body) {
				return errMalformedJSON
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
			req.ContentLength = int64(len(body))
		}
		ctx := c.UserContext()
		input := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: validationOptions}
		var errs openapi3.MultiError
		for _, p := range parameters {
			if err := openapi3filter.ValidateParameter(ctx, input, p); err != nil {
				errs = append(errs, err)
			}
		}
		if rb := route.Operation.RequestBody; rb != nil && !known {
			err := openapi3filter.ValidateRequestBody(ctx, input, rb.Value)
			if err != nil {
				errs = append(errs, err)
			} else {
				passed.add(ct, body)
			}
		}
		if len(errs) > 0 {
			return contractViolation(errs)
		}
		return c.Next()
	}
}

// plainParams are an operation's parameters when each is a string in
// the path or a header, described by a schema of type string that
// kin-openapi checks with its string check alone (length, pattern,
// format): nothing to decode, no default to fill in, no enum or
// combination to walk first.
type plainParams []*openapi3.Parameter

// plainParameters is nil when any parameter is not plain, or there are
// none to check.
func plainParameters(parameters []*openapi3.Parameter) plainParams {
	for _, p := range parameters {
		if !plainParameter(p) {
			return nil
		}
	}
	if len(parameters) == 0 {
		return nil
	}
	return plainParams(parameters)
}

func plainParameter(p *openapi3.Parameter) bool {
	if p.Content != nil || p.Schema == nil || p.Schema.Value == nil || p.AllowEmptyValue {
		return false
	}
	if p.In != openapi3.ParameterInPath && p.In != openapi3.ParameterInHeader {
		return false
	}
	if sm, err := p.SerializationMethod(); err != nil || sm.Style != openapi3.SerializationSimple {
		return false
	}
	s := p.Schema.Value
	return s.Type.Is(openapi3.TypeString) && s.Default == nil && s.Const == nil && len(s.Enum) == 0 &&
		s.Not == nil && len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 && s.Always == nil &&
		!s.Nullable
}

// pass reports whether every parameter is present and passes its
// schema's string check, as ValidateParameter would find it: a path
// value unescaped, a header's first value. false says only "not here":
// the caller then validates the request the whole way.
func (ps plainParams) pass(c *fiber.Ctx) bool {
	for _, p := range ps {
		var v string
		if p.In == openapi3.ParameterInPath {
			var err error
			if v, err = url.PathUnescape(c.Params(p.Name)); err != nil {
				return false
			}
		} else {
			v = c.Get(p.Name)
		}
		if v == "" || p.Schema.Value.VisitJSONString(v) != nil {
			return false
		}
	}
	return true
}

// operationParameters are the parameters a request of the operation is
// checked against: the path item's, unless the operation overrides one,
// then the operation's own (as openapi3filter.ValidateRequest takes them).
func operationParameters(route *routers.Route) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	ops := route.Operation.Parameters
	for _, ref := range route.PathItem.Parameters {
		p := ref.Value
		if ops != nil && ops.GetByInAndName(p.In, p.Name) != nil {
			continue
		}
		out = append(out, p)
	}
	for _, ref := range ops {
		out = append(out, ref.Value)
	}
	return out
}

// passedBodies remembers small request bodies an operation's schema
// accepted, by Content-Type and bytes. It keeps the first
// maxPassedBodies it sees and then stops adding, so a client sending
// ever new bodies costs a bounded amount of memory and no eviction work;
// the popular bodies of a hot operation are among the first.
type passedBodies struct {
	mu   sync.RWMutex
	n    int
	byCT map[string]map[string]struct{} // Content-Type → bodies
}

const (
	maxPassedBodies   = 256
	maxPassedBodySize = 256
)

func newPassedBodies() *passedBodies { return &passedBodies{byCT: map[string]map[string]struct{}{}} }

// has reports whether this body passed before; an empty body is always
// checked (a required body must be refused), and a nil set knows nothing.
func (p *passedBodies) has(contentType string, body []byte) bool {
	if p == nil || len(body) == 0 || len(body) > maxPassedBodySize {
		return false
	}
	p.mu.RLock()
	_, ok := p.byCT[contentType][string(body)]
	p.mu.RUnlock()
	return ok
}

func (p *passedBodies) add(contentType string, body []byte) {
	if p == nil || len(body) == 0 || len(body) > maxPassedBodySize {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n >= maxPassedBodies {
		return
	}
	bodies, ok := p.byCT[contentType]
	if !ok {
		bodies = map[string]struct{}{}
		p.byCT[contentType] = bodies
	}
	if _, ok := bodies[string(body)]; !ok {
		bodies[string(body)] = struct{}{}
		p.n++
	}
}

// jsonMedia reports whether a Content-Type names JSON.
func jsonMedia(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == fiber.MIMEApplicationJSON || strings.HasSuffix(mt, "+json"))
}

var (
	errMalformedJSON    = fault.New(fault.Invalid, "malformed_json")
	errUnsupportedMedia = fault.New(fault.UnsupportedMedia, "unsupported_media_type")
	errInvalidParameter = fault.New(fault.Invalid, "invalid_parameter")
)

// contractViolation turns kin-openapi's errors into field errors: 400 for
// what cannot be parsed, 422 for well-formed input that breaks the schema.
func contractViolation(err error) error {
	var all []error
	var me openapi3.MultiError
	if errors.As(err, &me) {
		all = me
	} else {
		all = []error{err}
	}
	var bodyFields, paramFields []fault.FieldError
	for _, e := range all {
		var re *openapi3filter.RequestError
		if !errors.As(e, &re) {
			continue
		}
		switch {
		case re.Parameter != nil:
			paramFields = append(paramFields, fault.FieldError{
				Field: re.Parameter.In + "." + re.Parameter.Name, Code: paramCode(re), Detail: re.Reason})
		case re.Err == nil && strings.Contains(re.Reason, "Content-Type"):
			return errUnsupportedMedia
		case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
			bodyFields = append(bodyFields, fault.FieldError{Field: "/", Code: "required", Detail: "request body is required"})
		default:
			var pe *openapi3filter.ParseError
			if errors.As(re.Err, &pe) {
				return errMalformedJSON
			}
			bodyFields = append(bodyFields, schemaFields(re.Err)...)
		}
	}
	switch {
	case len(paramFields) > 0:
		return errInvalidParameter.WithFields(append(paramFields, bodyFields...)...)
	case len(bodyFields) > 0:
		return fault.ErrValidation.WithFields(bodyFields...)
	}
	return fault.ErrValidation.Wrap(err)
}

func paramCode(re *openapi3filter.RequestError) string {
	if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
		return "required"
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		return se.SchemaField
	}
	return "invalid"
}

func schemaFields(err error) []fault.FieldError {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []fault.FieldError
		for _, e := range me {
			out = append(out, schemaFields(e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return []fault.FieldError{{Field: "/", Code: "invalid"}}
	}
	pointer := "/" + strings.Join(se.JSONPointer(), "/")
	code := se.SchemaField
	// kin-openapi points at the missing property itself, but at the
	// object for an unknown one; name the property there too.
	if m := unknownProperty.FindStringSubmatch(se.Reason); m != nil && code == "properties" {
		pointer, code = strings.TrimSuffix(pointer, "/")+"/"+m[1], "unknown_property"
	}
	return []fault.FieldError{{Field: pointer, Code: code, Detail: se.Reason}}
}

var unknownProperty = regexp.MustCompile(`^property "([^"]+)" is unsupported$`)
