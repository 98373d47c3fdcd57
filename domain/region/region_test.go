package region_test

import (
	"slices"
	"testing"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/region"
)

func TestACodeIsSixDigits(t *testing.T) {
	for _, bad := range []string{"", "31", "3101", "31010", "3101040", "031010", "31010a", " 310104"} {
		if _, err := region.ParseCode(bad); !fault.Is(err, region.ErrCodeInvalid) {
			t.Errorf("ParseCode(%q) = %v, want region_code_invalid", bad, err)
		}
	}
	if c, err := region.ParseCode("310104"); err != nil || c != "310104" {
		t.Fatalf("ParseCode(310104) = %q, %v", c, err)
	}
}

// A province covers its cities and districts, a city its districts, a
// district itself.
func TestTheHierarchy(t *testing.T) {
	for _, tc := range []struct {
		code, other string
		want        bool
	}{
		{"310000", "310104", true},
		{"310000", "310100", true},
		{"310000", "320505", false},
		{"310100", "310104", true},
		{"310100", "310100", true},
		{"310100", "310000", false},
		{"310100", "310204", false},
		{"320500", "320505", true},
		{"310104", "310104", true},
		{"310104", "310105", false},
		{"310104", "310100", false},
		{"420000", "429004", true}, // a county-level city under its province
		{"310100", "", false},
		{"310100", "3101", false},
	} {
		if got := region.Code(tc.code).Covers(tc.other); got != tc.want {
			t.Errorf("%s covers %q = %v, want %v", tc.code, tc.other, got, tc.want)
		}
	}
}

func TestAScopeNamesEveryBadCode(t *testing.T) {
	_, err := region.NewScope([]string{"310104", "3101", "abcdef"})
	fe, ok := fault.As(err)
	if !ok || fe.Code != "region_code_invalid" || len(fe.Fields) != 2 || fe.Fields[0].Field != "/regionCodes/1" ||
		fe.Fields[1].Field != "/regionCodes/2" {
		t.Fatalf("NewScope = %v", err)
	}
	s, err := region.NewScope([]string{"320500", "310104", "320500"})
	if err != nil || !slices.Equal(s.Strings(), []string{"310104", "320500"}) {
		t.Fatalf("NewScope = %v, %v", s, err)
	}
	if !s.Covers("320505") || !s.Covers("310104") || s.Covers("310105") {
		t.Fatal("Covers")
	}
	if (region.Scope{}).Covers("310104") {
		t.Fatal("an empty scope oversees nothing")
	}
}

func TestAHigherScopeContainsALowerOne(t *testing.T) {
	city, district := region.UnmarshalScope([]string{"310100"}), region.UnmarshalScope([]string{"310104"})
	if !city.Contains(district) || district.Contains(city) || city.Contains(nil) {
		t.Fatal("Contains")
	}
}

func TestNarrowIntersectsAFilterWithTheScope(t *testing.T) {
	s := region.UnmarshalScope([]string{"310100", "320505"})
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{"", []string{"3101", "320505"}},
		{"310104", []string{"310104"}},
		{"3101", []string{"3101"}},
		{"31", []string{"3101"}},
		{"32", []string{"320505"}},
		{"3205", []string{"320505"}},
		{"3102", nil},
		{"33", nil},
	} {
		if got := s.Narrow(tc.filter); !slices.Equal(got, tc.want) {
			t.Errorf("Narrow(%q) = %v, want %v", tc.filter, got, tc.want)
		}
	}
}

func TestAboveIsStrict(t *testing.T) {
	city, district := region.UnmarshalScope([]string{"310100"}), region.UnmarshalScope([]string{"310104"})
	both := region.UnmarshalScope([]string{"310104", "320505"})
	if !city.Above(district) || district.Above(city) || district.Above(district) || city.Above(both) || city.Above(nil) {
		t.Fatal("Above")
	}
}
