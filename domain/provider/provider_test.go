package provider_test

import (
	"slices"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/provider"
)

func profile() provider.Profile {
	return provider.Profile{
		LegalName: "上海徐汇康乐居家养老服务中心",
		Licences:  []provider.Licence{{Kind: provider.HomeCare, Number: "沪民养备2026001"}},
		Address: geo.Address{City: "上海市", Street: "漕溪北路88号", RegionCode: "310104",
			Location: geo.Point{Lat: 31.18, Lng: 121.43}},
		Area:         provider.Area{RadiusKM: 5},
		TimeZone:     "Asia/Shanghai",
		ContactPhone: "+8613800138000",
		Hours:        []provider.Hours{{Weekday: 1, Open: "08:00", Close: "18:00"}},
	}
}

func TestLifecycleAndVisibility(t *testing.T) {
	p, err := provider.New("p1", "admin", profile(), "ev-new", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p.Visible() {
		t.Fatal("a pending provider is visible")
	}
	if err := p.Suspend("x", "ev-suspend", time.Now()); !fault.Is(err, provider.ErrTransition) {
		t.Fatalf("suspending a pending provider: %v", err)
	}
	if err := p.Verify("ev-verify", time.Now()); err != nil || !p.Visible() {
		t.Fatalf("verify: %v, visible %v", err, p.Visible())
	}
	if err := p.SetCredit(provider.BlackListed, "", provider.CreditSource{}, "ev-credit", time.Now()); !fault.Is(err, provider.ErrReasonRequired) {
		t.Fatalf("black-listing without a reason: %v", err)
	}
	if err := p.SetCredit(provider.BlackListed, "虐待老人，经查属实", provider.CreditSource{}, "ev-credit", time.Now()); err != nil || p.Visible() {
		t.Fatalf("black-listed: %v, visible %v", err, p.Visible())
	}
	_ = p.SetCredit(provider.CreditNormal, "", provider.CreditSource{}, "ev-credit", time.Now())
	if err := p.Suspend("资质过期", "ev-suspend", time.Now()); err != nil || p.Visible() {
		t.Fatalf("suspended: %v, visible %v", err, p.Visible())
	}
	if err := p.RequireAdmin("someone"); !fault.Is(err, provider.ErrAdminRequired) {
		t.Fatal(err)
	}
	// Every change that happened is announced, in order; refused ones
	// announce nothing.
	var got []string
	for _, e := range p.Pending() {
		got = append(got, string(e.Type)+" "+e.Data["status"]+e.Data["credit"])
	}
	want := []string{"provider.registered pending", "provider.verification_changed verified",
		"provider.credit_changed black_listed", "provider.credit_changed normal", "provider.verification_changed suspended"}
	if !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
}

func TestServiceAreaAndValidation(t *testing.T) {
	p, _ := provider.New("p1", "admin", profile(), "ev-new", time.Now())
	if !p.Covers(5000, "") || p.Covers(5001, "") {
		t.Fatal("radius area")
	}
	bad := profile()
	bad.Area = provider.Area{RadiusKM: 5, RegionCodes: []string{"310104"}}
	bad.Licences = append(bad.Licences, provider.Licence{Kind: "spa", Number: "1"})
	bad.Hours = []provider.Hours{{Weekday: 8, Open: "18:00", Close: "08:00"}}
	bad.Address.Location.Lat = 95
	_, err := provider.New("p2", "admin", bad, "ev-new", time.Now())
	fe, ok := fault.As(err)
	if !ok || len(fe.Fields) < 4 {
		t.Fatalf("bad profile: %v", err)
	}
	regions := profile()
	regions.Area = provider.Area{RegionCodes: []string{"310104", "310105"}}
	r, err := provider.New("p3", "admin", regions, "ev-new", time.Now())
	if err != nil || !r.Covers(1e9, "310105") || r.Covers(0, "310106") || r.Covers(0, "") {
		t.Fatalf("region area: %v", err)
	}
}

func TestChangingWhatWasVerifiedNeedsVerificationAgain(t *testing.T) {
	p, _ := provider.New("p1", "admin", profile(), "ev-new", time.Now())
	_ = p.Verify("ev-verify", time.Now())
	moved := profile()
	moved.Hours = nil
	moved.Area = provider.Area{RadiusKM: 8}
	if err := p.UpdateProfile("admin", moved, "ev-update", time.Now()); err != nil || p.Status != provider.Verified {
		t.Fatalf("hours and area change: %v, %s", err, p.Status)
	}
	renamed := moved
	renamed.LegalName = "另一家公司"
	if err := p.UpdateProfile("admin", renamed, "ev-update", time.Now()); err != nil || p.Status != provider.Pending || p.Visible() {
		t.Fatalf("rename: %v, %s", err, p.Status)
	}
	if err := p.UpdateProfile("someone", moved, "ev-update", time.Now()); !fault.Is(err, provider.ErrAdminRequired) {
		t.Fatalf("a non-admin edited: %v", err)
	}
}

// Every credit change joins the history with the standing before, the
// reason and the official; a refused one leaves no entry; a standing set
// before the history was kept stays its first entry.
func TestCreditHistoryKeepsEveryChange(t *testing.T) {
	now := time.Now()
	p, err := provider.New("p1", "admin", profile(), "ev-new", now)
	if err != nil {
		t.Fatal(err)
	}
	p.Credit, p.CreditWhy, p.CreditAt = provider.RedListed, "示范单位", now.Add(-time.Hour)
	if got := p.CreditChanges(); len(got) != 1 || got[0].To != provider.RedListed || got[0].From != "" || got[0].ID != "" {
		t.Fatalf("the standing before the history: %+v", got)
	}
	official := provider.CreditSource{By: "official"}
	if err := p.SetCredit(provider.BlackListed, "", official, "ev-1", now); !fault.Is(err, provider.ErrReasonRequired) {
		t.Fatalf("black-listing without a reason: %v", err)
	}
	if err := p.SetCredit(provider.BlackListed, "虐待老人，经查属实", official, "ev-2", now); err != nil {
		t.Fatal(err)
	}
	decision := provider.CreditSource{By: "official", ComplaintID: "c1"}
	if err := p.SetCredit(provider.CreditNormal, "整改完成", decision, "ev-3", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got := p.CreditChanges()
	want := []provider.CreditChange{
		{ID: "ev-3", At: now.Add(time.Minute).UTC(), From: provider.BlackListed, To: provider.CreditNormal, Reason: "整改完成",
			CreditSource: decision},
		{ID: "ev-2", At: now.UTC(), From: provider.RedListed, To: provider.BlackListed, Reason: "虐待老人，经查属实",
			CreditSource: official},
		{At: now.Add(-time.Hour), To: provider.RedListed, Reason: "示范单位"},
	}
	if len(got) != len(want) {
		t.Fatalf("history %+v", got)
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) || got[i].ID != want[i].ID || got[i].From != want[i].From || got[i].To != want[i].To ||
			got[i].Reason != want[i].Reason || got[i].CreditSource != want[i].CreditSource {
			t.Errorf("change %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
