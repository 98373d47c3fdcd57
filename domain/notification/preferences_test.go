package notification_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/notification"
)

func clock(t *testing.T, s string) notification.Clock {
	t.Helper()
	c, err := notification.ParseClock(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestQuietHoursDeferToTheirEndInTheUsersZone(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	ny, _ := time.LoadLocation("America/New_York")
	overnight := func(zone string) notification.Preferences {
		p, err := notification.NewPreferences(nil, &notification.QuietHours{
			Start: clock(t, "22:00"), End: clock(t, "07:00"), Zone: zone})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	lunch, err := notification.NewPreferences(nil, &notification.QuietHours{
		Start: clock(t, "12:00"), End: clock(t, "13:30")}) // zone defaults to Asia/Shanghai
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		p    notification.Preferences
		now  time.Time
		want time.Time // zero: at once
	}{
		{"before quiet hours", overnight("Asia/Shanghai"), time.Date(2026, 11, 25, 21, 59, 0, 0, sh), time.Time{}},
		{"at their start", overnight("Asia/Shanghai"), time.Date(2026, 11, 25, 22, 0, 0, 0, sh),
			time.Date(2026, 11, 26, 7, 0, 0, 0, sh)},
		{"late evening waits for tomorrow", overnight("Asia/Shanghai"), time.Date(2026, 11, 25, 23, 30, 0, 0, sh),
			time.Date(2026, 11, 26, 7, 0, 0, 0, sh)},
		{"after midnight waits for this morning", overnight("Asia/Shanghai"), time.Date(2026, 11, 26, 3, 0, 0, 0, sh),
			time.Date(2026, 11, 26, 7, 0, 0, 0, sh)},
		{"at their end", overnight("Asia/Shanghai"), time.Date(2026, 11, 26, 7, 0, 0, 0, sh), time.Time{}},
		{"counted in the user's zone, not UTC", overnight("Asia/Shanghai"), time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC),
			time.Date(2026, 11, 26, 7, 0, 0, 0, sh)},
		{"last day of the month", overnight("Asia/Shanghai"), time.Date(2026, 11, 30, 23, 0, 0, 0, sh),
			time.Date(2026, 12, 1, 7, 0, 0, 0, sh)},
		{"a span within one day", lunch, time.Date(2026, 11, 25, 12, 45, 0, 0, sh),
			time.Date(2026, 11, 25, 13, 30, 0, 0, sh)},
		{"outside a span within one day", lunch, time.Date(2026, 11, 25, 23, 0, 0, 0, sh), time.Time{}},
		// New York springs forward at 02:00 on 8 March 2026: the night is
		// an hour shorter, and 07:00 is still 07:00 on the wall.
		{"across a DST change", overnight("America/New_York"), time.Date(2026, 3, 7, 23, 0, 0, 0, ny),
			time.Date(2026, 3, 8, 7, 0, 0, 0, ny)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.p.Decide(notification.CategoryOrders, false, c.now)
			want := c.want
			if want.IsZero() {
				want = c.now
			}
			if !d.Send || !d.At.Equal(want) {
				t.Fatalf("Decide = %+v, want send at %s", d, want)
			}
		})
	}
}

func TestUrgentPushesIgnoreSwitchesAndQuietHours(t *testing.T) {
	p, err := notification.NewPreferences(map[notification.Category]bool{notification.CategoryCareAlerts: false},
		&notification.QuietHours{Start: 0, End: 23*60 + 59})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	if d := p.Decide(notification.CategoryCareAlerts, true, now); !d.Send || !d.At.Equal(now) {
		t.Fatalf("urgent = %+v", d)
	}
	if d := p.Decide(notification.CategoryCareAlerts, false, now); d.Send {
		t.Fatalf("switched-off routine = %+v", d)
	}
}

func TestDefaultsAndValidation(t *testing.T) {
	var p notification.Preferences
	for _, c := range notification.Categories {
		if got, want := p.Enabled(c), c != notification.CategoryMarketing; got != want {
			t.Errorf("default %s = %v", c, got)
		}
	}
	bad := []struct {
		switched map[notification.Category]bool
		quiet    *notification.QuietHours
	}{
		{map[notification.Category]bool{"lottery": true}, nil},
		{nil, &notification.QuietHours{Start: 60, End: 60}},
		{nil, &notification.QuietHours{Start: 60, End: 120, Zone: "Nowhere/Town"}},
	}
	for _, b := range bad {
		_, err := notification.NewPreferences(b.switched, b.quiet)
		if !fault.Is(err, notification.ErrPreferencesInvalid) {
			t.Errorf("%+v: %v", b, err)
		}
	}
	for _, s := range []string{"24:00", "7:00", "07:60", "07-00", ""} {
		if _, err := notification.ParseClock(s); err == nil {
			t.Errorf("clock %q accepted", s)
		}
	}
	if c := clock(t, "07:05"); c.String() != "07:05" {
		t.Errorf("round trip = %s", c)
	}
}
