package e2e_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestBrotherHearsOfTheInviteInChineseAndSisterOfHisJoiningInEnglish: a
// sister who reads kincare in English invites her brother, who reads it
// in Chinese. Each phone gets exactly the one push meant for it, in its
// owner's language and pointing at the right screen; each inbox keeps its
// own entries, and neither can read or mark the other's.
func TestBrotherHearsOfTheInviteInChineseAndSisterOfHisJoiningInEnglish(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv := startPushServer(t, fcm, "", nil)
	sister := srv.signUp(t)
	sister.setLocale(t, "en")
	brother := srv.signUp(t)
	brother.setLocale(t, "zh-CN")
	// Her phone's system language is Chinese; her account's choice wins.
	sisterPhone := fcmToken()
	wantStatus(t, sister.put(t, devicePath(sisterPhone), map[string]string{"platform": "ios", "app": "family", "locale": "zh-CN"}),
		http.StatusCreated)
	brotherPhone := brother.addDevice(t, "android")
	fam := sister.createFamily(t, uniqueName("王家"))

	// She invites his phone: his phone hears of it in Chinese, at normal
	// priority, and tapping it opens the invite.
	inv := sister.invite(t, fam.ID, &brother.phone, "member")
	invitePush := waitPushes(t, fcm, brotherPhone, 1)[0]
	wantPush(t, invitePush, "家庭邀请", "您被邀请加入家庭「"+fam.Name+"」，打开 kincare 查看并接受。",
		map[string]string{"kind": "invite", "id": inv.ID, "type": "family.invite_received"})
	if invitePush.Android.Priority != "normal" || invitePush.APNS.Headers["apns-priority"] != "5" {
		t.Errorf("an invite is not urgent, but android priority is %q and apns-priority %q",
			invitePush.Android.Priority, invitePush.APNS.Headers["apns-priority"])
	}
	invited := brother.waitNotification(t, "family.invite_received")
	if invited.ID != invitePush.Data["notificationId"] || invited.Title != invitePush.Notification.Title ||
		invited.Body != invitePush.Notification.Body || invited.Link.Kind != "invite" || invited.Link.ID != inv.ID ||
		invited.Category != "family" || invited.Urgent || invited.Read {
		t.Errorf("brother's inbox entry %s does not match the push %s", compactJSON(invited), describePushes([]fakefcm.Message{invitePush}))
	}

	// He accepts: her phone hears of it in English, naming him only by
	// his masked number; he, who joined, is not told.
	wantStatus(t, brother.accept(t, inv.Code), http.StatusOK)
	joinedPush := waitPushes(t, fcm, sisterPhone, 1)[0]
	wantPush(t, joinedPush, "New family member", brother.phone.masked()+" joined the family “"+fam.Name+"”.",
		map[string]string{"kind": "family", "id": fam.ID, "type": "family.member_joined"})
	joined := sister.waitNotification(t, "family.member_joined")
	if joined.ID != joinedPush.Data["notificationId"] || joined.Body != joinedPush.Notification.Body {
		t.Errorf("sister's inbox entry %s does not match the push %s", compactJSON(joined), describePushes([]fakefcm.Message{joinedPush}))
	}
	// Nothing more comes: one push per phone, none about the device
	// itself, none to the one who joined.
	srv.waitJobsIdle(t)
	wantPushCount(t, fcm, brotherPhone, "brother's phone", 1)
	wantPushCount(t, fcm, sisterPhone, "sister's phone", 1)
	if all := fcm.Messages(); len(all) != 2 {
		t.Errorf("FCM got %d pushes, want 2: %s", len(all), describePushes(all))
	}

	// Each inbox lists its own entries, newest first, all unread.
	mine := sister.inbox(t, "")
	// A first device is no news: nobody is told of it.
	if !slices.Equal(mine.types(), []string{"family.member_joined"}) || mine.UnreadCount != 1 {
		t.Fatalf("sister's inbox %v with %d unread, want member_joined, 1 unread", mine.types(), mine.UnreadCount)
	}
	his := brother.inbox(t, "")
	if !slices.Equal(his.types(), []string{"family.invite_received"}) || his.UnreadCount != 1 {
		t.Fatalf("brother's inbox %v with %d unread, want invite_received, 1 unread", his.types(), his.UnreadCount)
	}

	t.Run("nobody reads or marks another's notifications", func(t *testing.T) {
		if _, ok := his.entry(joined.ID); ok {
			t.Errorf("the brother's inbox lists the sister's entry %s", joined.ID)
		}
		wantProblem(t, brother.post(t, "/v1/me/notifications/"+joined.ID+"/read", nil), http.StatusNotFound, "notification_not_found")
		wantProblem(t, brother.post(t, "/v1/me/notifications/"+randomID()+"/read", nil), http.StatusNotFound, "notification_not_found")
		if n, _ := sister.inbox(t, "").entry(joined.ID); n.Read {
			t.Errorf("the brother's refused mark made the sister's entry read: %s", compactJSON(n))
		}
		wantProblem(t, srv.get(t, "/v1/me/notifications"), http.StatusUnauthorized, "unauthenticated")
	})

	t.Run("marking all read", func(t *testing.T) {
		r := brother.post(t, "/v1/me/notifications/read-all", nil)
		if got := must[struct{ Marked int }](t, r, http.StatusOK); got.Marked != 1 {
			t.Errorf("read-all marked %d, want 1: %s", got.Marked, r.body)
		}
		if after := brother.inbox(t, "?unread=true"); len(after.Items) != 0 || after.UnreadCount != 0 {
			t.Errorf("brother's unread after read-all: %v (%d)", after.types(), after.UnreadCount)
		}
		if got := must[struct{ Marked int }](t, brother.post(t, "/v1/me/notifications/read-all", nil), http.StatusOK); got.Marked != 0 {
			t.Errorf("a second read-all marked %d, want 0", got.Marked)
		}
		if n := sister.inbox(t, "").UnreadCount; n != 1 {
			t.Errorf("the brother's read-all changed the sister's unread count to %d, want 1", n)
		}
	})

	t.Run("marking one read", func(t *testing.T) {
		for range 2 { // idempotent
			wantStatus(t, sister.post(t, "/v1/me/notifications/"+joined.ID+"/read", nil), http.StatusNoContent)
		}
		after := sister.inbox(t, "")
		n, _ := after.entry(joined.ID)
		if after.UnreadCount != 0 || !n.Read || n.ReadAt == nil {
			t.Errorf("after marking, %d unread and the entry %s, want 0 unread and it read with readAt", after.UnreadCount, compactJSON(n))
		}
		unread := sister.inbox(t, "?unread=true")
		if len(unread.Items) != 0 || unread.UnreadCount != 0 {
			t.Errorf("sister's unread %v (%d), want none", unread.types(), unread.UnreadCount)
		}
	})
}
