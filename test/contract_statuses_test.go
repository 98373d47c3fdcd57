package e2e_test

// Every status an operation answers is one its spec operation declares.
//
// The check reads what each server actually answered from its own
// metrics (kincare_http_requests_total counts requests by method, route
// template and status) just before the server is stopped, and compares
// every series with openapi/openapi.yaml. So every end-to-end test,
// including the ones written after this file, checks the contract for
// whatever it makes the server do, and the binary under test carries no
// hook for it. The statuses every operation can answer because of the
// middleware in front of its handler (401, 413, 415, 429, …) are checked
// without traffic by TestEveryMiddlewareStatusIsDeclared in
// adapters/http; this check covers what handlers answer, which only
// running them shows.

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kincare/kincare/openapi"
)

// declaredStatuses maps "METHOD /spec/path" to the statuses its operation
// declares. HEAD is answered by GET operations.
var declaredStatuses = sync.OnceValues(func() (map[string][]int, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.YAML)
	if err != nil {
		return nil, err
	}
	out := map[string][]int{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			var codes []int
			for code := range op.Responses.Map() {
				n, err := strconv.Atoi(code)
				if err != nil {
					return nil, fmt.Errorf("%s %s declares response %q; declare each status, not ranges or default", method, path, code)
				}
				codes = append(codes, n)
			}
			slices.Sort(codes)
			out[method+" "+path] = codes
		}
	}
	return out, nil
})

// unmatchedStatuses are what a request that matched no operation may get:
// no such route, no such method, the per-IP limit (which runs before
// routing), and a CORS preflight answered by the CORS middleware.
var unmatchedStatuses = []int{http.StatusNoContent, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusTooManyRequests}

// requestSeries matches a counter line; label values may hold braces
// (route="/v1/orders/{orderId}").
var requestSeries = regexp.MustCompile(`(?m)^kincare_http_requests_total\{((?:\w+="[^"]*",?)*)\} `)
var seriesLabel = regexp.MustCompile(`(\w+)="([^"]*)"`)

// servedStatus is one (method, route, status) the server answered.
type servedStatus struct {
	method, route string
	status        int
}

// parseServedStatuses reads the request counters of a /metrics page.
func parseServedStatuses(page string) ([]servedStatus, error) {
	var out []servedStatus
	for _, m := range requestSeries.FindAllStringSubmatch(page, -1) {
		labels := map[string]string{}
		for _, l := range seriesLabel.FindAllStringSubmatch(m[1], -1) {
			labels[l[1]] = l[2]
		}
		status, err := strconv.Atoi(labels["status"])
		if err != nil {
			return nil, fmt.Errorf("series {%s}: status %q", m[1], labels["status"])
		}
		out = append(out, servedStatus{method: labels["method"], route: labels["route"], status: status})
	}
	return out, nil
}

// undeclared lists what the server answered that the contract does not
// declare. A 500 is never declared: it is a bug wherever it shows.
func undeclared(served []servedStatus, declared map[string][]int) []string {
	var out []string
	for _, s := range served {
		method := s.method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		if s.route == "unmatched" {
			if !slices.Contains(unmatchedStatuses, s.status) {
				out = append(out, fmt.Sprintf("%s (no route) answered %d", s.method, s.status))
			}
			continue
		}
		route := s.route
		if route == "/ops/queues/*" {
			// asynqmon's own pages and API, whatever their method, answer
			// as the dashboard's operation declares (getOpsQueues).
			method, route = http.MethodGet, "/ops/queues"
		}
		codes, ok := declared[method+" "+route]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s %s answered %d but is not in the spec", s.method, s.route, s.status))
		case !slices.Contains(codes, s.status):
			out = append(out, fmt.Sprintf("%s %s answered %d; the spec declares %v", s.method, s.route, s.status, codes))
		}
	}
	slices.Sort(out)
	return out
}

// checkDeclaredStatuses scrapes the server's request counters and fails
// t for every status the contract does not declare.
func (s *server) checkDeclaredStatuses(t *testing.T) {
	t.Helper()
	declared, err := declaredStatuses()
	if err != nil {
		t.Errorf("openapi.yaml: %v", err)
		return
	}
	req, err := http.NewRequest(http.MethodGet, s.base+"/metrics", nil)
	if err != nil {
		t.Errorf("metrics: %v", err)
		return
	}
	if tok := s.env["METRICS_TOKEN"]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := s.client.Do(req)
	if err != nil {
		t.Errorf("the contract check could not scrape /metrics: %v", err)
		return
	}
	defer res.Body.Close()
	page, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("the contract check could not scrape /metrics: status %d, %v", res.StatusCode, err)
		return
	}
	served, err := parseServedStatuses(string(page))
	if err != nil {
		t.Errorf("metrics: %v", err)
		return
	}
	for _, u := range undeclared(served, declared) {
		t.Errorf("contract: %s (declare it in openapi/openapi.yaml, or stop answering it)", u)
	}
}

// The check itself: it sees an undeclared status, ignores HEAD's body
// and allows what unmatched requests get.
func TestUndeclaredStatusesAreFound(t *testing.T) {
	t.Parallel()
	page := `# HELP kincare_http_requests_total HTTP requests by route template, method and status.
kincare_http_requests_total{method="GET",route="/v1/me",status="200"} 3
kincare_http_requests_total{method="HEAD",route="/v1/me",status="200"} 1
kincare_http_requests_total{method="GET",route="/v1/me",status="418"} 1
kincare_http_requests_total{method="POST",route="/v1/me",status="200"} 1
kincare_http_requests_total{method="GET",route="unmatched",status="404"} 2
kincare_http_requests_total{method="GET",route="unmatched",status="500"} 1
kincare_http_requests_total{method="GET",route="/v1/me",status="500"} 1
kincare_http_requests_total{method="POST",route="/v1/orders/{orderId}/start",status="200"} 1
kincare_http_requests_total{method="POST",route="/v1/orders/{orderId}/start",status="403"} 1
`
	served, err := parseServedStatuses(page)
	if err != nil {
		t.Fatal(err)
	}
	got := undeclared(served, map[string][]int{"GET /v1/me": {200, 401}, "POST /v1/orders/{orderId}/start": {200, 404}})
	want := []string{
		"GET (no route) answered 500",
		"GET /v1/me answered 418; the spec declares [200 401]",
		"GET /v1/me answered 500; the spec declares [200 401]",
		"POST /v1/me answered 200 but is not in the spec",
		"POST /v1/orders/{orderId}/start answered 403; the spec declares [200 404]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("undeclared:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
