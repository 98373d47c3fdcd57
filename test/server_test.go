// Package e2e_test drives the real kincare binary over HTTP: each test
// starts the process the way an operator would (environment variables, a
// fresh DATA_DIR, SIGTERM to stop) and talks to it like an app would. The
// only stand-in is the SMS gateway, which these tests run themselves to
// learn the login codes.
//
// With REDIS_URL, REDIS_CLUSTER_ADDRS or REDIS_SENTINEL_ADDRS (and
// optionally MONGODB_URI) set, the servers use those instead of their
// embedded stores; every test then uses its own phone
// numbers and its own client IP, because rate-limit state outlives a
// server in a real Redis.
package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const (
	startTimeout = 60 * time.Second
	stopTimeout  = 20 * time.Second
	// ioWait bounds how long a log line may trail the response it describes.
	ioWait = 5 * time.Second
)

// binary is the kincare executable TestMain builds once.
var binary string

// requestTimeout bounds one request of the test clients. A race-built
// server runs its embedded store instrumented too, about six times
// slower, and the tests that race a hundred requests at one account
// queue them all behind its few connections on CI's two cores.
var requestTimeout = 15 * time.Second

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	root, err := filepath.Abs("..")
	if err == nil {
		_, err = os.Stat(filepath.Join(root, "go.mod"))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: cannot find the module root above the test directory: %v\n", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "kincare-e2e-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "kincare")
	// kincare_verify: the embedded store checks every query it answers
	// by SQL against FerretDB's own answer (cmd/kincare/verify_on.go).
	args := []string{"build", "-tags", "kincare_verify", "-o", binary}
	if os.Getenv("KINCARE_E2E_RACE") == "1" {
		args = append(args, "-race")
		requestTimeout = 90 * time.Second
	}
	build := exec.Command("go", append(args, "./cmd/kincare")...)
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/kincare: %v\n", err)
		return 1
	}
	sourceIPs = probeLoopbackAliases()
	// The tests mostly wait on server processes, so run more at once
	// than there are CPUs unless the caller chose with -parallel.
	flag.Parse()
	chosen := false
	flag.Visit(func(f *flag.Flag) { chosen = chosen || f.Name == "test.parallel" })
	if !chosen && runtime.GOMAXPROCS(0) < 4 {
		_ = flag.Set("test.parallel", "4")
	}
	return m.Run()
}

// ---------------------------------------------------------------------------
// The process

// server is one running kincare process and a client bound to it.
type server struct {
	base    string // http://127.0.0.1:PORT
	dataDir string
	sms     *smsGateway
	client  *http.Client
	env     map[string]string // the process's environment

	cmd      *exec.Cmd
	exited   chan struct{} // closed when the process has exited
	waitErr  error
	stdout   *lockedBuffer
	stderr   *lockedBuffer
	stopOnce sync.Once
}

// config is how a test wants its server started.
type config struct {
	dataDir string            // empty: a fresh t.TempDir()
	sms     *smsGateway       // nil: a fresh gateway
	env     map[string]string // extra or overriding variables
	bin     string            // empty: the binary the tests built
}

// baseEnv is the environment every server gets: nothing from the
// developer's shell leaks in except the stores CI provides.
func baseEnv(dataDir, smsURL string) map[string]string {
	env := map[string]string{
		"PATH":            os.Getenv("PATH"),
		"HOME":            os.Getenv("HOME"),
		"TMPDIR":          os.TempDir(),
		"DATA_DIR":        dataDir,
		"HTTP_ADDR":       "127.0.0.1:0",
		"LOG_LEVEL":       "info",
		"SMS_PROVIDER":    "webhook",
		"SMS_WEBHOOK_URL": smsURL,
		// A short deadline still proves shutdown is graceful.
		"SHUTDOWN_TIMEOUT": "10s",
		"JOBS_QUEUE":       jobsQueue(dataDir),
	}
	for _, name := range redisVariables {
		if v := os.Getenv(name); v != "" {
			env[name] = v
		}
	}
	if v := os.Getenv("MONGODB_URI"); v != "" {
		env["MONGODB_URI"] = v
		env["MONGODB_DATABASE"] = "kincare_e2e"
	}
	if v := os.Getenv("GORACE"); v != "" {
		env["GORACE"] = v
	}
	return env
}

// redisVariables name the Redis the servers use when the tests are given
// one: a node, a cluster, or Sentinels and their master.
var redisVariables = []string{"REDIS_URL", "REDIS_CLUSTER_ADDRS", "REDIS_SENTINEL_ADDRS", "REDIS_SENTINEL_MASTER"}

// onRedis points a server's env at a Redis deployment of the test's own
// (name, value pairs), whatever Redis the tests were given.
func onRedis(env map[string]string, vars ...string) map[string]string {
	for _, name := range redisVariables {
		env[name] = ""
	}
	for i := 0; i+1 < len(vars); i += 2 {
		env[vars[i]] = vars[i+1]
	}
	return env
}

// jobsQueue names a server's job queue after its data directory. In CI
// the servers share one real Redis but each has its own embedded MongoDB,
// so a shared queue would let one server's worker take another's tasks
// and fail to find their notifications; a server restarted on the same
// directory finds its queue, and the tasks waiting in it, again.
func jobsQueue(dataDir string) string {
	sum := sha256.Sum256([]byte(dataDir))
	return "e2e-" + hex.EncodeToString(sum[:6])
}

func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// startServer starts kincare and waits until it listens. The process is
// stopped with SIGTERM when the test ends and must exit 0 in time.
func startServer(t *testing.T, c config) *server {
	t.Helper()
	if c.dataDir == "" {
		c.dataDir = t.TempDir()
	}
	if c.sms == nil {
		c.sms = newSMSGateway(t)
	}
	env := baseEnv(c.dataDir, c.sms.url)
	for k, v := range c.env {
		env[k] = v
	}
	if c.bin == "" {
		c.bin = binary
	}
	cmd := exec.Command(c.bin)
	dieWithTest(cmd)
	cmd.Env = envList(env)
	cmd.Dir = c.dataDir
	s := &server{dataDir: c.dataDir, sms: c.sms, env: env, cmd: cmd, exited: make(chan struct{}),
		stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	cmd.Stderr = s.stderr
	// Not StdoutPipe: Wait closes that pipe when the process exits, and
	// lines still in it (the last of a busy server's log, "stopped"
	// among them) were lost. With a writer, Wait returns only once
	// every byte went through it, and the drain has read them all.
	out, in := io.Pipe()
	cmd.Stdout = in
	if err := cmd.Start(); err != nil {
		t.Fatalf("start kincare: %v", err)
	}
	addr := make(chan string, 1)
	drained := make(chan struct{})
	go func() {
		s.drain(out, addr)
		close(drained)
	}()
	go func() {
		s.waitErr = cmd.Wait()
		in.Close()
		<-drained
		close(s.exited)
	}()
	t.Cleanup(func() { s.stop(t) })

	select {
	case a := <-addr:
		s.base = "http://" + a
	case <-s.exited:
		t.Fatalf("kincare exited before listening (%v)\nstdout:\n%s\nstderr:\n%s", s.waitErr, s.stdout, s.stderr)
	case <-time.After(startTimeout):
		t.Fatalf("kincare did not log \"http listening\" within %s\nstdout:\n%s\nstderr:\n%s", startTimeout, s.stdout, s.stderr)
	}
	s.client = newClient()
	// The stores in use are the ones the environment asked for.
	embeddedRedis := env["REDIS_URL"] == "" && env["REDIS_CLUSTER_ADDRS"] == "" && env["REDIS_SENTINEL_ADDRS"] == ""
	for field, embedded := range map[string]bool{"embedded_redis": embeddedRedis, "embedded_mongo": env["MONGODB_URI"] == ""} {
		want := fmt.Sprintf(`"%s":%v`, field, embedded)
		if !strings.Contains(s.logs(), want) {
			t.Fatalf("the server should log %s with this environment:\n%s", want, s.logs())
		}
	}
	return s
}

// drain copies every stdout line into the buffer for the whole life of
// the process, so the pipe never fills, and reports the listen address.
func (s *server) drain(r io.Reader, addr chan<- string) {
	br := bufio.NewReaderSize(r, 64<<10)
	found := false
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			s.stdout.WriteString(line)
			if !found && strings.Contains(line, `"msg":"http listening"`) {
				var rec struct {
					Addr string `json:"addr"`
				}
				if json.Unmarshal([]byte(line), &rec) == nil && rec.Addr != "" {
					found = true
					addr <- rec.Addr
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// stop checks that the server answered only statuses the contract
// declares, then sends SIGTERM and asserts a clean exit (code 0) within
// 20 s.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.stopOnce.Do(func() {
		select {
		case <-s.exited:
			t.Errorf("kincare had already exited (%v)\nstderr:\n%s\nstdout tail:\n%s", s.waitErr, s.stderr, tail(s.stdout.String(), 20))
			return
		default:
		}
		if s.client != nil {
			s.checkDeclaredStatuses(t)
			s.client.CloseIdleConnections()
		}
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("SIGTERM: %v", err)
		}
		select {
		case <-s.exited:
		case <-time.After(stopTimeout):
			_ = s.cmd.Process.Kill()
			<-s.exited
			t.Errorf("kincare did not exit within %s of SIGTERM\nstdout tail:\n%s", stopTimeout, tail(s.stdout.String(), 20))
			return
		}
		if strings.Contains(s.stderr.String(), "WARNING: DATA RACE") {
			t.Errorf("the race detector reported a data race in kincare:\n%s", s.stderr)
		}
		if code := s.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("kincare exited with code %d after SIGTERM, want 0\nstderr:\n%s\nstdout tail:\n%s",
				code, s.stderr, tail(s.stdout.String(), 20))
		}
		if !strings.Contains(s.stdout.String(), `"msg":"stopped"`) {
			t.Errorf("kincare exited without logging \"stopped\"\nstdout tail:\n%s", tail(s.stdout.String(), 20))
		}
	})
}

// logs is everything the server printed on stdout so far. kincare
// writes its lines in order but in batches (LOG_FLUSH_INTERVAL, 100 ms
// by default), so a line may trail the answer it describes: wait for it
// (waitUntil with ioWait), or use logsThrough.
func (s *server) logs() string { return s.stdout.String() }

// logsThrough is the server's log once it holds the access line of the
// answer r, and with it every line logged before that one: what a test
// must not find in the log is looked for there, not in a log whose last
// batch is still on its way.
func (s *server) logsThrough(t *testing.T, r *response) string {
	t.Helper()
	id := r.header.Get("X-Request-Id")
	if id == "" {
		t.Fatalf("the answer has no X-Request-Id to find its access line by: %s", r)
	}
	var logs string
	if !waitUntil(ioWait, func() bool {
		logs = s.logs()
		return strings.Contains(logs, `"request_id":"`+id+`"`)
	}) {
		t.Fatalf("the access line of request %s did not reach the log within %s\n%s", id, ioWait, tail(logs, 10))
	}
	return logs
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) WriteString(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.WriteString(s)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// ---------------------------------------------------------------------------
// The client

// sourceIPs hands every server's client its own loopback source address
// (127.x.y.z), so per-IP rate limits kept in a shared Redis never mix
// between tests or runs. Nil where the loopback aliases cannot be bound.
var sourceIPs func() net.IP

func probeLoopbackAliases() func() net.IP {
	random := func() net.IP {
		return net.IPv4(127, byte(1+randInt(250)), byte(randInt(256)), byte(1+randInt(250)))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil
	}
	defer ln.Close()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: random()}, Timeout: time.Second}
	conn, err := d.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil
	}
	conn.Close()
	return random
}

func newClient() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if sourceIPs != nil {
		dialer.LocalAddr = &net.TCPAddr{IP: sourceIPs()}
	}
	return &http.Client{
		Timeout: requestTimeout,
		Transport: &http.Transport{
			DialContext:         dialer.DialContext,
			DisableCompression:  true,
			MaxIdleConnsPerHost: 4,
			// Well inside the server's HTTP_IDLE_TIMEOUT (60 s): a
			// connection reused just as the server closes it fails a
			// POST with EOF (the transport retries only idempotent
			// requests), as after a test's minute of quiet.
			IdleConnTimeout: 30 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// response is what the server answered, body read and, if JSON, decoded.
type response struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

func (r *response) String() string {
	return fmt.Sprintf("%d %s", r.status, r.body)
}

// do sends one request. body is nil (no body), a string or []byte (sent
// as is) or anything else (sent as JSON). hdr are name, value pairs; a
// JSON Content-Type is set whenever there is a body unless hdr sets one.
func (s *server) do(t *testing.T, method, path string, body any, hdr ...string) *response {
	t.Helper()
	return s.doVia(t, s.client, method, path, body, hdr...)
}

// doVia is do through another client (another source address).
func (s *server) doVia(t *testing.T, client *http.Client, method, path string, body any, hdr ...string) *response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if len(hdr)%2 != 0 {
		t.Fatalf("headers must come in name, value pairs: %q", hdr)
	}
	for i := 0; i < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	r := &response{status: res.StatusCode, header: res.Header, body: raw}
	ct := res.Header.Get("Content-Type")
	if strings.Contains(ct, "json") && len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.json); err != nil {
			t.Fatalf("%s %s: %s body is not a JSON object: %v\n%s", method, path, ct, err, raw)
		}
	}
	return r
}

func (s *server) get(t *testing.T, path string, hdr ...string) *response {
	t.Helper()
	return s.do(t, http.MethodGet, path, nil, hdr...)
}

func (s *server) post(t *testing.T, path string, body any, hdr ...string) *response {
	t.Helper()
	return s.do(t, http.MethodPost, path, body, hdr...)
}

func (s *server) put(t *testing.T, path string, body any, hdr ...string) *response {
	t.Helper()
	return s.do(t, http.MethodPut, path, body, hdr...)
}

func (s *server) delete(t *testing.T, path string, hdr ...string) *response {
	t.Helper()
	return s.do(t, http.MethodDelete, path, nil, hdr...)
}

// bearer is the Authorization header pair for an access token.
func bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

// with joins header pairs.
func with(pairs ...[]string) []string {
	var out []string
	for _, p := range pairs {
		out = append(out, p...)
	}
	return out
}

func wantStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body: %s", r.status, want, r.body)
	}
}

// problem is an RFC 9457 body as kincare sends it.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
	Code      string `json:"code"`
	RequestID string `json:"requestId"`
	Errors    []struct {
		Field  string `json:"field"`
		Code   string `json:"code"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

// fields lists errors[].field.
func (p problem) fields() []string {
	out := make([]string, len(p.Errors))
	for i, e := range p.Errors {
		out[i] = e.Field
	}
	return out
}

// wantProblem asserts r is a problem+json answer with this status and
// code, and that its envelope is consistent.
func wantProblem(t *testing.T, r *response, status int, code string) problem {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (%s); body: %s", r.status, status, code, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type %q, want application/problem+json; body: %s", ct, r.body)
	}
	var p problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem body: %v: %s", err, r.body)
	}
	if p.Code != code {
		t.Fatalf("code %q, want %q; body: %s", p.Code, code, r.body)
	}
	if p.Status != status {
		t.Errorf("body status %d, want %d", p.Status, status)
	}
	if p.Type != "urn:kincare:problem:"+code {
		t.Errorf("type %q, want urn:kincare:problem:%s", p.Type, code)
	}
	if p.Title == "" {
		t.Errorf("problem has no title: %s", r.body)
	}
	if id := r.header.Get("X-Request-Id"); id != "" && p.RequestID != id {
		t.Errorf("requestId %q differs from X-Request-Id %q", p.RequestID, id)
	}
	return p
}

// wantField asserts the problem names field among its errors.
func wantField(t *testing.T, p problem, field string) {
	t.Helper()
	for _, f := range p.fields() {
		if f == field {
			return
		}
	}
	t.Errorf("errors[].field = %q, want one to be %q", p.fields(), field)
}

// ---------------------------------------------------------------------------
// The fake SMS gateway

// smsMessage is what kincare posts to its SMS webhook.
type smsMessage struct {
	Phone    string `json:"phone"`
	Template string `json:"template"`
	Locale   string `json:"locale"`
	Params   struct {
		Code    string `json:"code"`
		Minutes int    `json:"minutes"`
	} `json:"params"`
	authorization string
}

type smsGateway struct {
	url string
	mu  sync.Mutex
	got []smsMessage
	bad []string // what was wrong with requests we could not accept

	// failWith, when not 0, is the status the gateway answers instead of
	// sending; delay holds each answer back (both for outage tests).
	failWith atomic.Int32
	delay    atomic.Int64
	received atomic.Int32 // requests that reached the gateway, answered or not
}

func newSMSGateway(t *testing.T) *smsGateway {
	g := &smsGateway{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m smsMessage
		body, _ := io.ReadAll(r.Body)
		g.received.Add(1)
		time.Sleep(time.Duration(g.delay.Load()))
		if status := g.failWith.Load(); status != 0 {
			http.Error(w, "carrier unavailable", int(status))
			return
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			g.bad = append(g.bad, fmt.Sprintf("%s with Content-Type %q", r.Method, r.Header.Get("Content-Type")))
			http.Error(w, "want POST application/json", http.StatusBadRequest)
			return
		}
		if err := json.Unmarshal(body, &m); err != nil {
			g.bad = append(g.bad, fmt.Sprintf("body %q: %v", body, err))
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		m.authorization = r.Header.Get("Authorization")
		g.got = append(g.got, m)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(hs.Close)
	g.url = hs.URL + "/sms/send"
	return g
}

// messages returns what was sent to phone (E.164), oldest first.
func (g *smsGateway) messages(phone string) []smsMessage {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []smsMessage
	for _, m := range g.got {
		if m.Phone == phone {
			out = append(out, m)
		}
	}
	return out
}

// lastCode is the newest login code texted to phone (E.164).
func (g *smsGateway) lastCode(t *testing.T, phone string) string {
	t.Helper()
	ms := g.messages(phone)
	if len(ms) == 0 {
		g.mu.Lock()
		defer g.mu.Unlock()
		t.Fatalf("the SMS gateway got no message for %s (got %d for other phones; refused: %q)", phone, len(g.got), g.bad)
	}
	m := ms[len(ms)-1]
	if m.Template != "login_code" || len(m.Params.Code) != 6 {
		t.Fatalf("SMS to %s is not a 6-digit login code: %+v", phone, m)
	}
	return m.Params.Code
}

// ---------------------------------------------------------------------------
// Users

// phone is a fresh mainland mobile number; national is how a user types
// it, e164 how kincare stores and texts it.
type phone struct{ national, e164 string }

var phoneSeq atomic.Int64

// newPhone draws a number no other test (nor an earlier run against the
// same Redis or MongoDB) is likely to have used.
func newPhone() phone {
	n := (randInt(7_000_000_000) + phoneSeq.Add(1)) % 7_000_000_000
	national := fmt.Sprintf("1%d%09d", 3+n/1_000_000_000, n%1_000_000_000)
	return phone{national: national, e164: "+86" + national}
}

// masked is how kincare shows a number to anyone but its owner.
func (p phone) masked() string { return p.national[:3] + "****" + p.national[7:] }

func randInt(n int64) int64 {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		panic(err)
	}
	return v.Int64()
}

// session is what a successful login or refresh returns.
type session struct {
	Access         string    `json:"accessToken"`
	AccessExpires  time.Time `json:"accessTokenExpiresAt"`
	Refresh        string    `json:"refreshToken"`
	RefreshExpires time.Time `json:"refreshTokenExpiresAt"`
	TokenType      string    `json:"tokenType"`
	NewUser        bool      `json:"newUser"`
	User           me        `json:"user"`
}

type me struct {
	ID          string    `json:"id"`
	Phone       string    `json:"phone"`
	Roles       []string  `json:"roles"`
	Locale      string    `json:"locale"`
	HasPassword bool      `json:"hasPassword"`
	CreatedAt   time.Time `json:"createdAt"`
}

func decode[T any](t *testing.T, r *response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, r.body)
	}
	return v
}

// requestCode asks for a login code and returns the code the gateway got.
func (s *server) requestCode(t *testing.T, p phone, hdr ...string) string {
	t.Helper()
	before := len(s.sms.messages(p.e164))
	r := s.post(t, "/v1/auth/otp", map[string]string{"phone": p.national}, hdr...)
	wantStatus(t, r, http.StatusAccepted)
	if got := len(s.sms.messages(p.e164)); got != before+1 {
		t.Fatalf("after 202 the gateway holds %d messages for %s, want %d", got, p.e164, before+1)
	}
	return s.sms.lastCode(t, p.e164)
}

// login logs p in by SMS code.
func (s *server) login(t *testing.T, p phone) session {
	t.Helper()
	code := s.requestCode(t, p)
	r := s.post(t, "/v1/auth/login", map[string]string{"phone": p.national, "code": code})
	wantStatus(t, r, http.StatusOK)
	return decode[session](t, r)
}

// me is GET /v1/me with token, asserted 200.
func (s *server) me(t *testing.T, access string) me {
	t.Helper()
	r := s.get(t, "/v1/me", bearer(access)...)
	wantStatus(t, r, http.StatusOK)
	return decode[me](t, r)
}

// refresh spends a refresh token.
func (s *server) refresh(t *testing.T, refresh string) *response {
	t.Helper()
	return s.post(t, "/v1/auth/refresh", map[string]string{"refreshToken": refresh})
}

// waitUntil polls cond every 100 ms until it holds or d passes.
func waitUntil(d time.Duration, cond func() bool) bool {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		if cond() {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
}
