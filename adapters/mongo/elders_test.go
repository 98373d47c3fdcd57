package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/test/testenv"
)

func fullElder(id, familyID string, now time.Time) elder.Elder {
	return elder.Elder{
		ID:       id,
		FamilyID: familyID,
		Profile: elder.Profile{
			Name:      "王秀英",
			Gender:    elder.Female,
			BirthDate: calendar.Date{Year: 1944, Month: time.February, Day: 29},
			Phone:     "+8613800000001",
			Address: geo.Address{Province: "上海市", City: "上海市", District: "徐汇区", Street: "漕溪北路 88 号",
				Detail: "3号楼2单元401", RegionCode: "310104", Location: geo.Point{Lat: 31.1886, Lng: 121.4365}},
			Living:       elder.LivesAlone,
			MobilityAids: []elder.MobilityAid{"cane", "hearing_aid"},
			Diet:         elder.Diet{Tags: []elder.DietTag{"low_salt", "soft_food"}, Allergies: "花生"},
			EmergencyContacts: []elder.EmergencyContact{
				{Name: "王强", Relation: "儿子", Phone: "+8613800000002"},
				{Name: "李梅", Relation: "邻居", Phone: "+8613800000003"},
			},
			CaregiverNotes: "knock loudly, hard of hearing",
		},
		Health: elder.Health{
			Conditions: []string{"高血压", "糖尿病"},
			Assessment: &elder.Assessment{Level: elder.AbilityModerate,
				AssessedOn: calendar.Date{Year: 2025, Month: time.November, Day: 3}, AssessedBy: "徐汇区老年人能力评估中心",
				Source: elder.Official, RecordedBy: "u-assessor", ProviderID: "p-centre"},
			AssessmentHistory: []elder.Assessment{
				{Level: elder.AbilityMild, AssessedOn: calendar.Date{Year: 2023, Month: time.May, Day: 1}, AssessedBy: "A",
					Source: elder.SelfReported, RecordedBy: "u-owner"},
				{Level: elder.AbilityModerate, AssessedOn: calendar.Date{Year: 2025, Month: time.November, Day: 3},
					AssessedBy: "徐汇区老年人能力评估中心", Source: elder.Official, RecordedBy: "u-assessor", ProviderID: "p-centre"},
			},
		},
		BirthDateOfRecord: calendar.Date{Year: 1944, Month: time.February, Day: 29},
		BirthDateOfficial: true,
		Allowances: []elder.Allowance{
			{ID: "al-1", Issuer: "上海市徐汇区民政局", Kind: elder.ServiceSubsidy, MonthlyFen: 1_234_567_890_123,
				ServiceTypes: []service.Type{service.MealAid, service.Bathing},
				ValidFrom:    calendar.Date{Year: 2026, Month: time.January, Day: 1},
				ValidTo:      calendar.Date{Year: 2026, Month: time.December, Day: 31}, SetBy: "u-admin", SetAt: now},
			{ID: "al-2", Issuer: "街道", Kind: elder.FreeHours, MonthlyHours: 12,
				ServiceTypes: []service.Type{service.HomeVisit},
				ValidFrom:    calendar.Date{Year: 2026, Month: time.March, Day: 1}, SetBy: "u-admin", SetAt: now.Add(time.Second)},
		},
		CreatedBy: "u-owner",
		CreatedAt: now,
	}
}

func TestElders(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	elders := store.Elders()
	// calendar-safe: the repository is handed every instant and the store reads no clock
	now := time.Date(2026, 3, 1, 8, 30, 0, 987_654_321, time.UTC)

	t.Run("every field round-trips", func(t *testing.T) {
		e := fullElder("e-full", "f-1", now)
		if err := elders.Create(ctx, e); err != nil {
			t.Fatal(err)
		}
		got, err := elders.Get(ctx, "e-full")
		if err != nil {
			t.Fatal(err)
		}
		want := fullElder("e-full", "f-1", ms(now))
		want.Allowances[1].SetAt = ms(now.Add(time.Second))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
		}
		if got.Allowances[1].ValidTo.IsZero() != true || !got.Allowances[1].CoversOn(service.HomeVisit,
			calendar.Date{Year: 2030, Month: time.January, Day: 1}) {
			t.Fatal("an open-ended allowance came back closed")
		}
		if err := elders.Create(ctx, e); err == nil {
			t.Fatal("a second elder with one id was created")
		}
	})

	t.Run("a bare elder round-trips with no health", func(t *testing.T) {
		e := elder.Elder{ID: "e-bare", FamilyID: "f-1", CreatedBy: "u", CreatedAt: now,
			Profile: elder.Profile{Name: "张三", Gender: elder.Male,
				BirthDate: calendar.Date{Year: 1950, Month: time.July, Day: 7}}}
		if err := elders.Create(ctx, e); err != nil {
			t.Fatal(err)
		}
		got, err := elders.Get(ctx, "e-bare")
		if err != nil {
			t.Fatal(err)
		}
		if !got.Health.Empty() || got.Health.Assessment != nil || len(got.Allowances) != 0 ||
			got.Profile.Name != "张三" || got.Profile.BirthDate != e.Profile.BirthDate || got.Profile.Phone != "" {
			t.Fatalf("read back %+v", got)
		}
	})

	t.Run("unknown elders are not found", func(t *testing.T) {
		if _, err := elders.Get(ctx, "nobody"); !fault.Is(err, elder.ErrNotFound) {
			t.Fatalf("get: %v", err)
		}
		if _, err := elders.Update(ctx, "nobody", func(*elder.Elder) error { return nil }); !fault.Is(err, elder.ErrNotFound) {
			t.Fatalf("update: %v", err)
		}
		if err := elders.Delete(ctx, "nobody"); !fault.Is(err, elder.ErrNotFound) {
			t.Fatalf("delete: %v", err)
		}
	})

	t.Run("concurrent updates all apply", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				_, err := elders.Update(ctx, "e-bare", func(e *elder.Elder) error {
					e.Allowances = append(e.Allowances, elder.Allowance{ID: fmt.Sprintf("al-%d", i),
						Kind: elder.CareSubsidy, MonthlyFen: int64(i + 1)})
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, _ := elders.Get(ctx, "e-bare")
		seen := map[string]bool{}
		for _, a := range got.Allowances {
			seen[a.ID] = true
		}
		for i := range 10 {
			if !seen[fmt.Sprintf("al-%d", i)] {
				t.Fatalf("al-%d lost to a concurrent update: %v", i, got.Allowances)
			}
		}
	})

	t.Run("an update may not move an elder and returns fn's error", func(t *testing.T) {
		_, err := elders.Update(ctx, "e-full", func(e *elder.Elder) error { e.FamilyID = "f-2"; return nil })
		if err == nil {
			t.Fatal("an elder moved family")
		}
		boom := errors.New("boom")
		if _, err := elders.Update(ctx, "e-full", func(*elder.Elder) error { return boom }); err != boom {
			t.Fatalf("error %v", err)
		}
		got, err := elders.Update(ctx, "e-full", func(e *elder.Elder) error {
			e.Health = elder.Health{}
			return nil
		})
		if err != nil || !got.Health.Empty() {
			t.Fatalf("erase health: %+v %v", got.Health, err)
		}
		if got, _ := elders.Get(ctx, "e-full"); got.FamilyID != "f-1" || !got.Health.Empty() {
			t.Fatalf("read back %s %+v", got.FamilyID, got.Health)
		}
	})

	t.Run("a family's elders page in id order", func(t *testing.T) {
		var want []string
		for i := range 25 {
			want = append(want, fmt.Sprintf("e-page-%02d", i))
		}
		for _, i := range rand.Perm(25) {
			if err := elders.Create(ctx, fullElder(want[i], "f-page", now)); err != nil {
				t.Fatal(err)
			}
			// Another family's elders sort in between and must not show.
			if err := elders.Create(ctx, fullElder(fmt.Sprintf("e-page-%02d-x", i), "f-other", now)); err != nil {
				t.Fatal(err)
			}
		}
		var got []string
		var sizes []int
		var mores []bool
		p := page.Request{Limit: 10}
		for range 5 {
			list, more, err := elders.ListByFamily(ctx, "f-page", p)
			if err != nil {
				t.Fatal(err)
			}
			sizes, mores = append(sizes, len(list)), append(mores, more)
			for _, e := range list {
				got = append(got, e.ID)
			}
			if !more {
				break
			}
			p.After = list[len(list)-1].ID
		}
		if !reflect.DeepEqual(sizes, []int{10, 10, 5}) || !reflect.DeepEqual(mores, []bool{true, true, false}) {
			t.Fatalf("pages of %v, more %v", sizes, mores)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("paged\n%v\nwant\n%v", got, want)
		}
		// A page that ends exactly at the last elder says no more.
		list, more, err := elders.ListByFamily(ctx, "f-page", page.Request{After: want[14], Limit: 10})
		if err != nil || len(list) != 10 || more {
			t.Fatalf("last full page: %d, more %v, %v", len(list), more, err)
		}
		if list, more, _ := elders.ListByFamily(ctx, "f-none", page.Request{Limit: 10}); len(list) != 0 || more {
			t.Fatalf("empty family: %v %v", list, more)
		}
	})

	t.Run("elders are deleted singly and by family", func(t *testing.T) {
		if err := elders.Delete(ctx, "e-page-00"); err != nil {
			t.Fatal(err)
		}
		if _, err := elders.Get(ctx, "e-page-00"); !fault.Is(err, elder.ErrNotFound) {
			t.Fatalf("get: %v", err)
		}
		if err := elders.DeleteByFamily(ctx, "f-page"); err != nil {
			t.Fatal(err)
		}
		if list, _, _ := elders.ListByFamily(ctx, "f-page", page.Request{Limit: 100}); len(list) != 0 {
			t.Fatalf("%d left", len(list))
		}
		if list, _, _ := elders.ListByFamily(ctx, "f-other", page.Request{Limit: 100}); len(list) != 25 {
			t.Fatalf("another family's elders deleted: %d left", len(list))
		}
	})
}
