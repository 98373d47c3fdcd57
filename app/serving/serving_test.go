package serving_test

import (
	"context"
	"slices"
	"testing"

	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/serving"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
)

type stations []*provider.Provider

func (s stations) Serving(context.Context, geo.Address) ([]*provider.Provider, error) { return s, nil }

type orderList []*order.Order

func (l orderList) List(_ context.Context, f orders.Filter, _ page.Request) ([]*order.Order, bool, error) {
	var out []*order.Order
	for _, o := range l {
		if o.ElderID() == f.ElderID && (f.CaregiverID == "" || o.CaregiverID() == f.CaregiverID) &&
			slices.Contains(f.Statuses, o.Status()) {
			out = append(out, o)
		}
	}
	return out, false, nil
}

type providers map[string]*provider.Provider

func (p providers) Get(_ context.Context, id string) (*provider.Provider, error) {
	if v, ok := p[id]; ok {
		return v, nil
	}
	return nil, provider.ErrNotFound
}

// Who serves the elder: the office of a station covering the address,
// the office of a provider with an open order for her, and a caregiver
// of that provider while an order for her is under way — never a
// caregiver whose order ended or who left the staff, nor the office of
// a provider whose order for her ended.
func TestWhoServesAnElder(t *testing.T) {
	staff := func(id string, role provider.StaffRole) provider.Staff { return provider.Staff{UserID: id, Role: role} }
	station := &provider.Provider{ID: "station", Admins: []string{"stationAdmin"},
		Staff: []provider.Staff{staff("stationOffice", provider.StaffOffice), staff("stationCarer", provider.StaffCaregiver)}}
	bathing := &provider.Provider{ID: "bathing", Admins: []string{"bathAdmin"},
		Staff: []provider.Staff{staff("bathOffice", provider.StaffOffice), staff("carer", provider.StaffCaregiver)}}
	ended := &provider.Provider{ID: "ended", Admins: []string{"endedAdmin"},
		Staff: []provider.Staff{staff("doneCarer", provider.StaffCaregiver)}}
	o := func(id, providerID, caregiverID string, s order.Status) *order.Order {
		return order.Unmarshal(order.Snapshot{ID: id, ElderID: "mum", ProviderID: providerID, CaregiverID: caregiverID,
			Status: s})
	}
	c := serving.Checker{Stations: stations{station},
		Orders: orderList{o("o1", "bathing", "carer", order.StatusEnRoute), o("o2", "ended", "doneCarer", order.StatusConfirmed),
			o("o3", "bathing", "leftCarer", order.StatusAccepted)},
		Providers: providers{"station": station, "bathing": bathing, "ended": ended}}
	mum := elder.Elder{ID: "mum"}
	ctx := context.Background()
	for user, want := range map[string]string{"stationAdmin": "station", "stationOffice": "station", "bathAdmin": "bathing",
		"bathOffice": "bathing", "stationCarer": "", "carer": "", "endedAdmin": "", "stranger": ""} {
		got, ok, err := c.Office(ctx, user, mum)
		if err != nil || got != want || ok != (want != "") {
			t.Errorf("office of %s: %q %v %v, want %q", user, got, ok, err, want)
		}
	}
	for user, want := range map[string]string{"carer": "bathing", "doneCarer": "", "leftCarer": "", "stationCarer": "",
		"bathOffice": ""} {
		got, ok, err := c.Caregiver(ctx, user, mum)
		if err != nil || got != want || ok != (want != "") {
			t.Errorf("caregiver %s: %q %v %v, want %q", user, got, ok, err, want)
		}
	}
}
