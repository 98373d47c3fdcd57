package provider_test

import (
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
	p, err := provider.New("p1", "admin", profile(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p.Visible() {
		t.Fatal("a pending provider is visible")
	}
	if err := p.Suspend("x"); !fault.Is(err, provider.ErrTransition) {
		t.Fatalf("suspending a pending provider: %v", err)
	}
	if err := p.Verify(); err != nil || !p.Visible() {
		t.Fatalf("verify: %v, visible %v", err, p.Visible())
	}
	if err := p.SetCredit(provider.BlackListed, "", time.Now()); !fault.Is(err, provider.ErrReasonRequired) {
		t.Fatalf("black-listing without a reason: %v", err)
	}
	if err := p.SetCredit(provider.BlackListed, "虐待老人，经查属实", time.Now()); err != nil || p.Visible() {
		t.Fatalf("black-listed: %v, visible %v", err, p.Visible())
	}
	_ = p.SetCredit(provider.CreditNormal, "", time.Now())
	if err := p.Suspend("资质过期"); err != nil || p.Visible() {
		t.Fatalf("suspended: %v, visible %v", err, p.Visible())
	}
	if err := p.RequireAdmin("someone"); !fault.Is(err, provider.ErrAdminRequired) {
		t.Fatal(err)
	}
}

func TestServiceAreaAndValidation(t *testing.T) {
	p, _ := provider.New("p1", "admin", profile(), time.Now())
	if !p.Covers(5000, "") || p.Covers(5001, "") {
		t.Fatal("radius area")
	}
	bad := profile()
	bad.Area = provider.Area{RadiusKM: 5, RegionCodes: []string{"310104"}}
	bad.Licences = append(bad.Licences, provider.Licence{Kind: "spa", Number: "1"})
	bad.Hours = []provider.Hours{{Weekday: 8, Open: "18:00", Close: "08:00"}}
	bad.Address.Location.Lat = 95
	_, err := provider.New("p2", "admin", bad, time.Now())
	fe, ok := fault.As(err)
	if !ok || len(fe.Fields) < 4 {
		t.Fatalf("bad profile: %v", err)
	}
	regions := profile()
	regions.Area = provider.Area{RegionCodes: []string{"310104", "310105"}}
	r, err := provider.New("p3", "admin", regions, time.Now())
	if err != nil || !r.Covers(1e9, "310105") || r.Covers(0, "310106") || r.Covers(0, "") {
		t.Fatalf("region area: %v", err)
	}
}

func TestChangingWhatWasVerifiedNeedsVerificationAgain(t *testing.T) {
	p, _ := provider.New("p1", "admin", profile(), time.Now())
	_ = p.Verify()
	moved := profile()
	moved.Hours = nil
	moved.Area = provider.Area{RadiusKM: 8}
	if err := p.UpdateProfile("admin", moved); err != nil || p.Status != provider.Verified {
		t.Fatalf("hours and area change: %v, %s", err, p.Status)
	}
	renamed := moved
	renamed.LegalName = "另一家公司"
	if err := p.UpdateProfile("admin", renamed); err != nil || p.Status != provider.Pending || p.Visible() {
		t.Fatalf("rename: %v, %s", err, p.Status)
	}
	if err := p.UpdateProfile("someone", moved); !fault.Is(err, provider.ErrAdminRequired) {
		t.Fatalf("a non-admin edited: %v", err)
	}
}
