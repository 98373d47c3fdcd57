package e2e_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

func TestZZRaceProbe(t *testing.T) {
	fcm := fakefcm.Start(t)
	srv := startPushServer(t, fcm, "", nil)
	hits := 0
	for i := 0; i < 10; i++ {
		user := srv.signUp(t)
		a := user.addDevice(t, "android")
		e := user.waitNotification(t, "device.registered")
		b := user.addDevice(t, "ios")
		waitPushes(t, fcm, a, 1)
		time.Sleep(500 * time.Millisecond)
		for _, m := range pushesTo(fcm, b) {
			hits++
			t.Logf("round %d: B got push %s (A's entry %s)", i, describePushes([]fakefcm.Message{m}), e.ID)
		}
	}
	t.Logf("hits %d/10", hits)
}
