package order_test

import (
	"testing"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
)

// The elder confirms the visit with the code the caregiver's phone
// shows; the order is confirmed and marked as the elder's, once.
func TestTheElderConfirmsAVisitWithItsCode(t *testing.T) {
	o := in(t, order.StatusCompleted)
	code, ok := o.VisitCode(testCodeKey)
	if !ok || len(code) != 4 {
		t.Fatalf("visit code %q, %v", code, ok)
	}
	if again, _ := o.VisitCode(testCodeKey); again != code {
		t.Fatalf("the code changed between two views: %s, %s", code, again)
	}
	if other, _ := o.VisitCode(order.VisitCodeKey("another key")); other == code && code != "" {
		t.Logf("two keys gave one code (1 in 10,000): %s", code)
	}
	check, err := o.ConfirmByElder(grandma, testCodeKey, code, eid(), at(order.ActionConfirm))
	if err != nil || !check.Matched || check.Err() != nil {
		t.Fatalf("confirm with the right code: %+v, %v", check, err)
	}
	if o.Status() != order.StatusConfirmed || !o.ConfirmedByElder() || o.ElderConfirmation().ConfirmedBy != "grandma" {
		t.Fatalf("after the elder's confirmation: %s, %+v", o.Status(), o.ElderConfirmation())
	}
	ev := o.Pending()[len(o.Pending())-1]
	if ev.Type != order.EventConfirmed || ev.Data["byElder"] != "true" {
		t.Fatalf("announced %s %v", ev.Type, ev.Data)
	}
	if _, shown := o.VisitCode(testCodeKey); shown {
		t.Error("a confirmed order still shows its code")
	}
	if _, err := o.ConfirmByElder(grandma, testCodeKey, code, eid(), at(order.ActionConfirm)); !fault.Is(err, order.ErrTransition) {
		t.Errorf("confirming twice: %v", err)
	}
}

// Wrong codes are counted on the order; after the last try the elder
// is locked out of it and the family's confirmation still works.
func TestWrongVisitCodesAreLimited(t *testing.T) {
	o := in(t, order.StatusCompleted)
	code, _ := o.VisitCode(testCodeKey)
	wrong := "0000"
	if code == wrong {
		wrong = "1111"
	}
	for i := 1; i <= order.VisitCodeAttempts; i++ {
		check, err := o.ConfirmByElder(grandma, testCodeKey, wrong, eid(), at(order.ActionConfirm))
		if err != nil || check.Matched || check.AttemptsLeft != order.VisitCodeAttempts-i {
			t.Fatalf("wrong code %d: %+v, %v", i, check, err)
		}
		want := order.ErrVisitCodeWrong
		if i == order.VisitCodeAttempts {
			want = order.ErrVisitCodeLocked
		}
		if !fault.Is(check.Err(), want) {
			t.Fatalf("wrong code %d answers %v, want %s", i, check.Err(), want.Code)
		}
	}
	if _, err := o.ConfirmByElder(grandma, testCodeKey, code, eid(), at(order.ActionConfirm)); !fault.Is(err, order.ErrVisitCodeLocked) {
		t.Fatalf("the right code after the last try: %v", err)
	}
	if _, shown := o.VisitCode(testCodeKey); shown {
		t.Error("a locked order still shows its code")
	}
	if o.Status() != order.StatusCompleted || o.ConfirmedByElder() {
		t.Fatalf("locked order: %s", o.Status())
	}
	if err := o.Confirm(daughter, eid(), at(order.ActionConfirm)); err != nil || o.ConfirmedByElder() {
		t.Fatalf("the family's confirmation after the lock: %v", err)
	}
}

// Nobody confirms as the elder without the code, nor before check-out;
// only the elder's own account enters codes.
func TestTheElderConfirmsOnlyWithTheCodeAfterCheckOut(t *testing.T) {
	o := in(t, order.StatusCompleted)
	if err := o.Confirm(grandma, eid(), at(order.ActionConfirm)); !fault.Is(err, order.ErrForbidden) {
		t.Errorf("the elder confirming without a code: %v", err)
	}
	code, _ := o.VisitCode(testCodeKey)
	if _, err := o.ConfirmByElder(daughter, testCodeKey, code, eid(), at(order.ActionConfirm)); !fault.Is(err, order.ErrForbidden) {
		t.Errorf("the family entering the code: %v", err)
	}
	serving := in(t, order.StatusInService)
	if _, shown := serving.VisitCode(testCodeKey); shown {
		t.Error("a visit under way shows a code")
	}
	if _, err := serving.ConfirmByElder(grandma, testCodeKey, "1234", eid(), at(order.ActionConfirm)); !fault.Is(err, order.ErrTransition) {
		t.Errorf("confirming a visit under way: %v", err)
	}
}
