package child_test

import (
	"testing"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/fault/faulttest"
)

func date(s string) calendar.Date {
	d, _ := calendar.ParseDate(s)
	return d
}

var today = date("2026-11-25")

func TestChildAgeLimits(t *testing.T) {
	for born, wantCode := range map[string]string{
		"2025-03-08": "",
		"2020-11-26": "", // 71 months
		"2020-11-25": "older_than_6_years",
		"2026-11-26": "in_future",
	} {
		_, err := child.Profile{Name: "乐乐", BirthDate: date(born), Gender: child.Female}.Validate(today)
		code := ""
		if fe, ok := fault.As(err); ok {
			code = fe.Fields[0].Code
		}
		if code != wantCode {
			t.Errorf("born %s: %q, want %q", born, code, wantCode)
		}
	}
}

func TestPickupPersons(t *testing.T) {
	c := child.Child{ID: "c1"}
	p, err := child.ValidatePickup("c1", child.PickupPerson{ID: "p1", Name: "李秀英", Relation: "外婆",
		Phone: "+8613900001111", IDLast4: "123x", PhotoRef: "children/c1/grandma.jpg"})
	if err != nil || p.IDLast4 != "123X" {
		t.Fatalf("%v %v", p, err)
	}
	if _, err := child.ValidatePickup("c1", child.PickupPerson{Name: "李", Relation: "外婆", Phone: "+8613900001111", IDLast4: "12X4"}); err == nil {
		t.Fatal("X is only a check digit")
	}
	for _, ref := range []string{"children/c2/grandma.jpg", "https://evil.example/x.jpg", "children/c1/../c2/a.jpg", "uploads/a.jpg"} {
		_, err := child.ValidatePickup("c1", child.PickupPerson{Name: "李秀英", Relation: "外婆", Phone: "+8613900001111",
			IDLast4: "1234", PhotoRef: ref})
		if faulttest.Fields(err)["/photoRef"] != "not_under_prefix" {
			t.Errorf("photoRef %q: %v", ref, err)
		}
	}
	for i := 0; i < 10; i++ {
		if err := c.AddPickup(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.AddPickup(p); !fault.Is(err, child.ErrPickupFull) {
		t.Fatalf("11th pickup person: %v", err)
	}
	if _, err := c.RemovePickup("nope"); !fault.Is(err, child.ErrPickupNotFound) {
		t.Fatal(err)
	}
	if _, err := c.RemovePickup("p1"); err != nil || len(c.PickupPersons) != 9 {
		t.Fatalf("%v, %d left", err, len(c.PickupPersons))
	}
}
