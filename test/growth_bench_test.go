package e2e_test

import (
	"bytes"
	"cmp"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite" // to strip a copy of the store of kincare's SQLite objects

	"github.com/kincare/kincare/test/loadkit"
)

// TestGrowth measures the embedded store at the sizes `kincare demo`
// makes, one binary after another on copies of the same data, in one
// run: start-up to /readyz, the server's CPU while idle, and p50/p99 of
// single requests through HTTP — an order by id, a family's orders, a
// provider's orders, create an order, accept, check in, confirm a
// childcare booking — and how fast the relay delivers the order events
// to the provider's inbox. Not a test of speed: it prints what it saw.
//
// GROWTH_DATA lists DATA_DIRs the demo filled (each with its
// demo-accounts.json); GROWTH_BINS lists label=binary pairs, run in that
// order on each. A label starting with "before" gets a copy without
// kincare's SQLite objects (adapters/ferretsql's indexes, triggers and
// side table), as a store the code before them left. Build the binaries
// without the kincare_verify tag: it checks every SQL answer against
// FerretDB's, which is what the measure is about.
//
//	go build -o /tmp/kincare ./cmd/kincare   # and the code before, e.g. /tmp/kincare-before
//	GROWTH_BENCH=1 GROWTH_DATA=/tmp/d200,/tmp/d2000,/tmp/d20000 \
//	  GROWTH_BINS=before=/tmp/kincare-before,after=/tmp/kincare \
//	  go test ./test -run TestGrowth -v -count=1 -timeout 3h
//
// GROWTH_N (100) requests per operation over GROWTH_CONNS (4)
// connections, each sent when the one before is answered, or, with
// GROWTH_RATE, that many requests a second whatever the answers (each
// timed from when it was due); GROWTH_IDLE (60) seconds of idle CPU,
// after GROWTH_SETTLE (10) seconds. GROWTH_PPROF names a directory for a CPU profile of
// each server over GROWTH_PPROF_SECONDS (60) from its first timed
// write, through its profiler (PPROF_ADDR): <orders>-<label>.prof.
// GROWTH_LOGS names a directory for each server's log (its access log
// has each request's time in the server): <label>.log.
func TestGrowth(t *testing.T) {
	if os.Getenv("GROWTH_BENCH") == "" {
		t.Skip("a benchmark: set GROWTH_BENCH=1")
	}
	if os.Getenv("MONGODB_URI") != "" || os.Getenv("REDIS_URL") != "" {
		t.Skip("measures the embedded stores: unset MONGODB_URI and REDIS_URL")
	}
	var bins [][2]string
	for _, b := range strings.Split(os.Getenv("GROWTH_BINS"), ",") {
		label, path, ok := strings.Cut(b, "=")
		if !ok {
			t.Fatalf("GROWTH_BINS: %q is not label=binary", b)
		}
		bins = append(bins, [2]string{label, path})
	}
	t.Logf("machine: %d CPUs (GOMAXPROCS %d), %s, %s; load average before: %s", runtime.NumCPU(),
		runtime.GOMAXPROCS(0), loadkit.CPUModel(), runtime.Version(), loadkit.LoadAverage())
	if rate := benchInt("GROWTH_RATE", 0); rate > 0 {
		t.Logf("load: %d requests a second per operation, over at most %d connections", rate, benchInt("GROWTH_CONNS", 4))
	} else {
		t.Logf("load: %d connections, each sending as soon as it has its answer", benchInt("GROWTH_CONNS", 4))
	}
	var rows []growthRow
	for _, dir := range strings.Split(os.Getenv("GROWTH_DATA"), ",") {
		for _, b := range bins {
			t.Run(filepath.Base(dir)+"/"+b[0], func(t *testing.T) {
				r := growthRun(t, dir, b[0], b[1])
				rows = append(rows, r)
				r.log(t)
			})
		}
	}
	t.Logf("load average after: %s", loadkit.LoadAverage())
	t.Logf("| orders stored | code | start to /readyz | idle CPU | %s | relay events/s |",
		strings.Join(growthOps, " p50 / p99 | ")+" p50 / p99")
	for _, r := range rows {
		cells := []string{strconv.Itoa(r.orders), r.label, fmt.Sprintf("%.1f s", r.startup.Seconds()),
			fmt.Sprintf("%.1f %%", r.idleCPU)}
		for _, op := range growthOps {
			o := r.ops[op]
			cells = append(cells, fmt.Sprintf("%s / %s", growthMS(o.p50), growthMS(o.p99)))
		}
		cells = append(cells, fmt.Sprintf("%.1f", r.relay))
		t.Logf("| %s |", strings.Join(cells, " | "))
	}
}

var growthOps = []string{"get order", "family's orders", "provider's orders", "create order", "accept",
	"check in", "confirm booking"}

type growthRow struct {
	orders  int
	label   string
	startup time.Duration
	idleCPU float64 // % of one core
	ops     map[string]growthOp
	relay   float64 // events/s
}

func (r growthRow) log(t *testing.T) {
	t.Logf("%d orders, %s: start %.1f s, idle CPU %.2f %%, relay %.1f events/s", r.orders, r.label,
		r.startup.Seconds(), r.idleCPU, r.relay)
	for _, op := range growthOps {
		o := r.ops[op]
		t.Logf("  %-18s n %4d  %7.1f req/s  p50 %s  p99 %s  max %s  answers %s", op, o.n, o.rps, growthMS(o.p50),
			growthMS(o.p99), growthMS(o.max), loadkit.Outcomes(o.outcomes, " × "))
		t.Logf("  %-18s slowest: %v", "", o.slowest)
	}
}

func growthMS(d time.Duration) string {
	if d >= 10*time.Millisecond {
		return fmt.Sprintf("%.0f ms", ms(d))
	}
	return fmt.Sprintf("%.1f ms", ms(d))
}

// demoAccounts is the demo's demo-accounts.json.
type demoAccounts struct {
	Orders   int `json:"orders"`
	Accounts []struct {
		Role  string `json:"role"`
		Phone string `json:"phone"`
		Of    string `json:"of"`
	} `json:"accounts"`
}

func (d demoAccounts) find(t *testing.T, role string) (phone, string) {
	for _, a := range d.Accounts {
		if a.Role == role {
			return phone{national: a.Phone, e164: "+86" + a.Phone}, a.Of
		}
	}
	t.Fatalf("the demo has no %s account", role)
	return phone{}, ""
}

func growthRun(t *testing.T, dataDir, label, bin string) growthRow {
	n := benchInt("GROWTH_N", 100)
	conns := benchInt("GROWTH_CONNS", 4)
	load := growthLoad{conns: conns, rate: float64(benchInt("GROWTH_RATE", 0))}
	raw, err := os.ReadFile(filepath.Join(dataDir, "demo-accounts.json"))
	if err != nil {
		t.Fatalf("%v: GROWTH_DATA must be directories `kincare demo` filled", err)
	}
	var demo demoAccounts
	if err := json.Unmarshal(raw, &demo); err != nil {
		t.Fatal(err)
	}
	row := growthRow{orders: demo.Orders, label: label, ops: map[string]growthOp{}}

	copyDir := t.TempDir()
	if out, err := exec.Command("cp", "-a", dataDir+"/.", copyDir).CombinedOutput(); err != nil {
		t.Fatalf("copy %s: %v\n%s", dataDir, err, out)
	}
	// The copy is hundreds of megabytes of dirty pages the kernel writes
	// back over the next half minute; a commit's sync behind them took
	// hundreds of milliseconds. Written out now, they stay out of the
	// measure.
	if out, err := exec.Command("sync").CombinedOutput(); err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	if strings.HasPrefix(label, "before") {
		stripKincareSQLite(t, filepath.Join(copyDir, "mongo"))
	}

	adminPhone := newPhone()
	env := familyEnv("ADMIN_PHONES", adminPhone.national, "RATE_LIMIT_IP_PER_MINUTE", "100000000",
		"RATE_LIMIT_USER_WRITES_PER_MINUTE", "100000000", "HOLDS_PER_USER_PER_KIND", "100")
	profDir, pprofAddr := os.Getenv("GROWTH_PPROF"), ""
	if profDir != "" {
		pprofAddr = freeLoopbackAddr(t)
		env["PPROF_ADDR"] = pprofAddr
	}
	started := time.Now()
	srv := startServer(t, config{dataDir: copyDir, bin: bin, env: env})
	for {
		if r, err := srv.client.Get(srv.base + "/readyz"); err == nil {
			_, _ = io.Copy(io.Discard, r.Body)
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(started) > startTimeout {
			t.Fatal("/readyz did not answer 200")
		}
		time.Sleep(20 * time.Millisecond)
	}
	row.startup = time.Since(started)
	// The code before answers a list at 2,000 orders in tens of seconds
	// on a busy machine: wait for it rather than count a timeout.
	srv.client.Timeout = 5 * time.Minute

	time.Sleep(time.Duration(benchInt("GROWTH_SETTLE", 10)) * time.Second)
	idle := time.Duration(benchInt("GROWTH_IDLE", 60)) * time.Second
	procs := map[string]int{"kincare": srv.cmd.Process.Pid}
	before := loadkit.CPUTimes(procs)
	time.Sleep(idle)
	row.idleCPU = 100 * loadkit.CPUTimes(procs).Minus(before)["kincare"].Seconds() / idle.Seconds()

	client := benchClient(conns)
	client.Timeout = srv.client.Timeout
	// Reads of the demo's own people: its busiest family and its first
	// home-care provider, logged in by SMS code.
	famPhone, famID := demo.find(t, "family")
	provPhone, provID := demo.find(t, "provider admin")
	member, provAdmin := srv.loginExisting(t, famPhone), srv.loginExisting(t, provPhone)
	famOrders := must[listPage[orderView]](t, member.get(t, "/v1/families/"+famID+"/orders"), http.StatusOK).Items
	if len(famOrders) == 0 {
		t.Fatal("the demo family has no orders")
	}
	row.ops["family's orders"] = growthPhase(client, load, n, func(int) *http.Request {
		return growthReq(http.MethodGet, srv.base+"/v1/families/"+famID+"/orders", member.access, nil)
	})
	row.ops["provider's orders"] = growthPhase(client, load, n, func(int) *http.Request {
		return growthReq(http.MethodGet, srv.base+"/v1/providers/"+provID+"/orders", provAdmin.access, nil)
	})
	row.ops["get order"] = growthPhase(client, load, n, func(i int) *http.Request {
		return growthReq(http.MethodGet, srv.base+"/v1/orders/"+famOrders[i%len(famOrders)].ID, member.access, nil)
	})

	// Writes by people of the benchmark's own, among the demo's data: a
	// provider with one caregiver, a daughter ordering cleaning for her
	// mother in windows two hours apart, so the caregiver is free for
	// every one.
	platform := srv.loginExisting(t, adminPhone)
	home := point{lat: 31.1883, lng: 121.4365}
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇居家照护中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	item := owner.addItem(t, prov.ID, itemBody("cleaning", 8000, 6400))
	carer := owner.hireCaregiver(t, prov.ID, []string{"cleaning"}, home, allDay())
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	first := nextMondayAt(0, 0)
	bodies := make([][]byte, n)
	for i := range n {
		start := first.Add(time.Duration(i) * 2 * time.Hour)
		window := map[string]string{"start": start.Format(time.RFC3339),
			"end": start.Add(time.Hour).Format(time.RFC3339)}
		q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID,
			"providerId": prov.ID, "itemId": item.ID, "window": window}), http.StatusOK)
		bodies[i], _ = json.Marshal(map[string]any{"elderId": mother.ID, "providerId": prov.ID, "itemId": item.ID,
			"priceVersion": q.PriceVersion, "window": window})
	}
	ids := make([]string, n)
	if profDir != "" {
		profiled := profileServer(t, pprofAddr, benchInt("GROWTH_PPROF_SECONDS", 60),
			filepath.Join(profDir, fmt.Sprintf("%d-%s.prof", demo.Orders, label)))
		defer func() { <-profiled }()
	}
	createStart := time.Now()
	row.ops["create order"] = growthPhase(client, load, n, func(i int) *http.Request {
		r := growthReq(http.MethodPost, srv.base+"/v1/orders", daughter.access, bodies[i])
		r.Header.Set("Idempotency-Key", randomID())
		return r
	}, func(i int, body []byte) {
		var o orderView
		if json.Unmarshal(body, &o) == nil {
			ids[i] = o.ID
		}
	})
	// The relay: every order.created reaches the provider's inbox.
	for {
		page := must[struct {
			Unread int `json:"unreadCount"`
		}](t, owner.get(t, "/v1/me/notifications?unread=true&limit=1"), http.StatusOK)
		if page.Unread >= n {
			row.relay = float64(n) / time.Since(createStart).Seconds()
			break
		}
		if time.Since(createStart) > 10*time.Minute {
			t.Errorf("the provider's inbox has %d of %d order notifications after 10 minutes", page.Unread, n)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, id := range ids {
		if id == "" {
			t.Fatal("an order was not created")
		}
	}

	// Accept: each order offered to the caregiver first (not measured).
	for _, id := range ids {
		wantStatus(t, owner.post(t, "/v1/orders/"+id+"/dispatch", nil), http.StatusOK)
	}
	row.ops["accept"] = growthPhase(client, load, n, func(i int) *http.Request {
		return growthReq(http.MethodPost, srv.base+"/v1/orders/"+ids[i]+"/accept", carer.access, nil)
	})
	// Check in: she sets off (not measured) and arrives, days early, so
	// with a reason.
	for _, id := range ids {
		wantStatus(t, carer.post(t, "/v1/orders/"+id+"/start", nil), http.StatusOK)
	}
	arrived, _ := json.Marshal(map[string]any{"lat": home.lat, "lng": home.lng,
		"deviceTime": time.Now().Format(time.RFC3339), "reason": "基准测试：提前到达"})
	row.ops["check in"] = growthPhase(client, load, n, func(i int) *http.Request {
		return growthReq(http.MethodPost, srv.base+"/v1/orders/"+ids[i]+"/check-in", carer.access, arrived)
	})

	// Confirm a booking: conns parents, each with a child, hold a place
	// on a day of their own (not measured) and confirm it.
	cOwner := srv.signUp(t)
	cProv := cOwner.childcareProvider(t, platform)
	offering := cOwner.offering(t, cProv.ID, halfDayBody(500, 100))
	// Each parent holds n/conns places at once (at most 100, the most
	// HOLDS_PER_USER_PER_KIND allows).
	slots := cOwner.openDays(t, offering.ID, 1, (n+conns-1)/conns)
	parents := make([]*person, conns)
	children := make([]string, conns)
	for k := range parents {
		parents[k] = srv.signUp(t)
		_, c := parents[k].parentOf(t, 20)
		children[k] = c.ID
	}
	holds := make([]string, n)
	for i := range n {
		h := parents[i%conns].held(t, slots[i/conns].SlotID, "market")
		holds[i] = h.ID
	}
	row.ops["confirm booking"] = growthPhase(client, load, n, func(i int) *http.Request {
		body, _ := json.Marshal(map[string]string{"childId": children[i%conns]})
		r := growthReq(http.MethodPost, srv.base+"/v1/holds/"+holds[i]+"/confirm", parents[i%conns].access, body)
		r.Header.Set("Idempotency-Key", "confirm-"+holds[i])
		return r
	})
	if d := os.Getenv("GROWTH_LOGS"); d != "" {
		if err := os.WriteFile(filepath.Join(d, label+".log"), []byte(srv.logs()), 0o600); err != nil {
			t.Error(err)
		}
	}
	return row
}

// freeLoopbackAddr is a loopback address nothing listens on now.
func freeLoopbackAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// profileServer fetches a CPU profile of seconds from a server's
// profiler into file; the channel closes when it is written (or failed,
// logged).
func profileServer(t *testing.T, addr string, seconds int, file string) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		c := http.Client{Timeout: time.Duration(seconds+60) * time.Second}
		r, err := c.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, seconds))
		if err != nil {
			t.Logf("profile: %v", err)
			return
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		if err == nil && r.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d: %s", r.StatusCode, b)
		}
		if err == nil {
			err = os.WriteFile(file, b, 0o644)
		}
		if err != nil {
			t.Logf("profile: %v", err)
			return
		}
		t.Logf("CPU profile of %d s from the first timed write: %s", seconds, file)
	}()
	return done
}

// stripKincareSQLite removes from the SQLite files in dir every object
// adapters/ferretsql made: what FerretDB alone had left.
func stripKincareSQLite(t *testing.T, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if len(files) == 0 {
		t.Fatalf("no SQLite file in %s", dir)
	}
	for _, f := range files {
		db, err := sql.Open("sqlite", f)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(`SELECT type, name FROM sqlite_master WHERE name LIKE '\_kincare\_%' ESCAPE '\'
			AND type IN ('trigger', 'index', 'table') ORDER BY type = 'table', type = 'index'`)
		if err != nil {
			t.Fatal(err)
		}
		var drops []string
		for rows.Next() {
			var typ, name string
			if err := rows.Scan(&typ, &name); err != nil {
				t.Fatal(err)
			}
			drops = append(drops, fmt.Sprintf(`DROP %s IF EXISTS "%s"`, strings.ToUpper(typ), name))
		}
		rows.Close()
		for _, d := range drops {
			if _, err := db.Exec(d); err != nil {
				t.Fatalf("%s: %v", d, err)
			}
		}
		if _, err := db.Exec(`VACUUM`); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: dropped %d objects of kincare's", filepath.Base(f), len(drops))
	}
}

func growthReq(method, url, token string, body []byte) *http.Request {
	r, _ := http.NewRequest(method, url, bytes.NewReader(body))
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}

// growthOp is one operation's n requests.
type growthOp struct {
	n             int
	rps           float64
	p50, p99, max time.Duration
	outcomes      map[string]int
	// slowest are the slowest requests, slowest first: whether they came
	// together, or first on their connections, tells a pause of the
	// whole server or a cold cache from one request's bad luck.
	slowest []growthSample
}

// growthSample is one timed request: its number, when it was sent after
// the phase began, and how long its answer took.
type growthSample struct {
	i        int
	at, took time.Duration
}

func (s growthSample) String() string {
	return fmt.Sprintf("#%d at +%s took %s", s.i, growthMS(s.at), growthMS(s.took))
}

// growthLoad is how a phase sends its requests: over conns connections,
// each sending its next as soon as it has an answer (rate 0: as fast as
// the server answers, so it runs flat out), or rate requests a second,
// each due at its own time whether earlier ones were answered or not.
type growthLoad struct {
	conns int
	rate  float64
}

// growthPhase sends request 0 … n-1 as load says, and times each.
// onBody, if given, sees each 2xx answer's body.
func growthPhase(client *http.Client, load growthLoad, n int, req func(i int) *http.Request,
	onBody ...func(i int, body []byte)) growthOp {
	var next atomic.Int64
	var mu sync.Mutex
	samples := make([]growthSample, 0, n)
	outcomes := map[string]int{}
	begin := time.Now()
	var wg sync.WaitGroup
	for range load.conns {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				r := req(i)
				t0 := time.Now()
				if load.rate > 0 {
					// Timed from when it was due, not from when a
					// connection came free: a server that falls behind
					// the rate is charged for the wait it caused.
					t0 = begin.Add(time.Duration(float64(i) / load.rate * float64(time.Second)))
					time.Sleep(time.Until(t0))
				}
				res, err := client.Do(r)
				var body []byte
				if err == nil {
					body, _ = io.ReadAll(res.Body)
					res.Body.Close()
				}
				took := time.Since(t0)
				if err == nil && res.StatusCode/100 == 2 {
					for _, f := range onBody {
						f(i, body)
					}
				}
				mu.Lock()
				samples = append(samples, growthSample{i: i, at: t0.Sub(begin), took: took})
				outcomes[benchOutcome(res, err, body)]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(begin)
	slices.SortFunc(samples, func(a, b growthSample) int { return cmp.Compare(b.took, a.took) })
	op := growthOp{n: len(samples), rps: float64(len(samples)) / elapsed.Seconds(), outcomes: outcomes,
		slowest: samples[:min(len(samples), 4)]}
	if k := len(samples); k > 0 {
		op.max, op.p50, op.p99 = samples[0].took, samples[k-1-k/2].took, samples[k-1-min(k-1, k*99/100)].took
	}
	return op
}
