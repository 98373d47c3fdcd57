package order_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/order"
)

func TestTheCaregiverSeesTheAddressFromAcceptanceUntilADayAfterCheckOut(t *testing.T) {
	for _, s := range []order.Status{order.StatusCreated, order.StatusDispatching, order.StatusOffered} {
		if in(t, s).CaregiverMaySeeAddress(offerAt) {
			t.Errorf("%s: address shown before acceptance", s)
		}
	}
	for _, s := range []order.Status{order.StatusAccepted, order.StatusEnRoute, order.StatusArrived, order.StatusInService} {
		if !in(t, s).CaregiverMaySeeAddress(beginAt) {
			t.Errorf("%s: address hidden from the assigned caregiver", s)
		}
	}
	until := checkOutAt.Add(order.AddressVisibleAfterCheckOut)
	for _, s := range []order.Status{order.StatusCompleted, order.StatusConfirmed} {
		o := in(t, s)
		if !o.CaregiverMaySeeAddress(until.Add(-time.Second)) || o.CaregiverMaySeeAddress(until) {
			t.Errorf("%s: not visible until exactly 24 h after check-out", s)
		}
	}
	for _, s := range []order.Status{order.StatusCancelledByFamily, order.StatusCancelledByProvider,
		order.StatusNoShowCaregiver, order.StatusNoShowRecipient, order.StatusExpired} {
		if in(t, s).CaregiverMaySeeAddress(checkOutAt) {
			t.Errorf("%s: address shown for a visit that will not happen", s)
		}
	}
}

func TestACaregiverSeesOnlyOrdersOfferedOrAssignedToThem(t *testing.T) {
	o := in(t, order.StatusOffered)
	now := offerAt.Add(time.Minute)
	if !o.CaregiverMaySee("cg1", now) || o.CaregiverMaySee("cg3", now) || o.CaregiverMaySee("", now) {
		t.Fatal("offered order visibility")
	}
	o = in(t, order.StatusConfirmed)
	if !o.CaregiverMaySee("cg1", now.Add(30*24*time.Hour)) || o.CaregiverMaySee("cg2", now) {
		t.Fatal("a served order stays in its caregiver's history and nobody else's")
	}
}
