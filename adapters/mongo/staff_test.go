package mongo_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/test/testenv"
)

// Staff, caregivers and staff invites live in the provider's document and
// come back whole.
func TestProviderStaffRoundTrip(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	p, err := provider.New("prov-staff", "admin", provider.Profile{
		LegalName: "康乐居家养老", Licences: []provider.Licence{{Kind: provider.HomeCare, Number: "沪001"}},
		Address: geo.Address{City: "上海市", Street: "漕溪北路88号", RegionCode: "310104", Location: geo.Point{Lat: 31.18, Lng: 121.43}},
		Area:    provider.Area{RadiusKM: 5}, TimeZone: "Asia/Shanghai", ContactPhone: "+8613900000000",
	}, "ev-new", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Providers().Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	expires := calendar.Today(now.AddDate(1, 0, 0), time.UTC)
	cg := provider.Caregiver{
		Certificates: []provider.Certificate{{Kind: provider.Nurse, Number: "N-1", Issuer: "卫健委", ExpiresOn: expires}},
		Skills:       []service.Type{service.MedicalEscort}, Gender: "female", Languages: []string{"粤语"},
		HomeBase: geo.Point{Lat: 31.2, Lng: 121.4}, WeeklyHours: []provider.Hours{{Weekday: 2, Open: "09:00", Close: "17:00"}},
		Active: true,
	}
	got, err := store.Providers().Update(ctx, p.ID, func(p *provider.Provider) error {
		if _, err := p.InviteStaff("admin", "+8613900000001", provider.StaffCaregiver, now); err != nil {
			return err
		}
		if _, err := p.InviteStaff("admin", "+8613900000002", provider.StaffOffice, now); err != nil {
			return err
		}
		if _, err := p.AcceptStaffInvite("u1", "+8613900000001", now); err != nil {
			return err
		}
		p.CountRating("o-1", "u1", 4) // the caregiver's tally travels with the staff entry
		return p.SetCaregiver("admin", "u1", cg)
	})
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := store.Providers().Get(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Staff[0].Ratings != (provider.Tally{Sum: 4, Count: 1}) {
		t.Fatalf("the caregiver's ratings did not round-trip: %+v", loaded.Staff[0].Ratings)
	}
	if !reflect.DeepEqual(loaded.Staff, got.Staff) || !reflect.DeepEqual(loaded.StaffInvites, got.StaffInvites) {
		t.Fatalf("staff did not round-trip:\n got  %+v %+v\n want %+v %+v", loaded.Staff, loaded.StaffInvites, got.Staff, got.StaffInvites)
	}
	inviting, err := store.Providers().ListInvitingPhone(ctx, identity.Phone("+8613900000002"), now)
	if err != nil || len(inviting) != 1 || inviting[0].ID != p.ID {
		t.Fatalf("providers inviting the office phone: %v, %v", inviting, err)
	}
	if none, _ := store.Providers().ListInvitingPhone(ctx, identity.Phone("+8613900000001"), now); len(none) != 0 {
		t.Fatalf("an accepted invite is still listed: %v", none)
	}
}
