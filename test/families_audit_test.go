package e2e_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestDaughterSeesWhoLookedAtMotherAndTheGrandson: every read and change
// of sensitive records is in the family's audit log, newest first, with
// the request that made it, and the log pages without duplicates.
func TestDaughterSeesWhoLookedAtMotherAndTheGrandson(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{env: familyEnv()})
	daughter := srv.signUp(t)
	brother := srv.signUp(t)
	fam := daughter.createFamily(t, "王家")
	brother.join(t, daughter, fam.ID, "member")
	daughter.consent(t, fam.ID, "child_data", "")
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", nil))
	grandson := daughter.addChild(t, fam.ID, childBody("王乐乐", dateAgo(2, 3, 0)))
	audit := "/v1/families/" + fam.ID + "/audit"

	// The brother reads both records and authorizes, then withdraws, a
	// pickup person; each request carries its own id.
	ids := map[string]string{
		"read elder": requestID("read-elder"), "read child": requestID("read-child"),
		"add pickup": requestID("add-pickup"), "remove pickup": requestID("remove-pickup"),
	}
	r := brother.get(t, "/v1/elders/"+mother.ID, "X-Request-Id", ids["read elder"])
	wantStatus(t, r, http.StatusOK)
	if got := r.header.Get("X-Request-Id"); got != ids["read elder"] {
		t.Fatalf("the server answered X-Request-Id %q to %q; the audit log cannot be matched to requests", got, ids["read elder"])
	}
	wantStatus(t, brother.get(t, "/v1/children/"+grandson.ID, "X-Request-Id", ids["read child"]), http.StatusOK)
	pickupBody := map[string]string{"name": "李秀英", "relation": "外婆", "phone": newPhone().national, "idLast4": "123x"}
	r = brother.post(t, "/v1/children/"+grandson.ID+"/pickup-persons", pickupBody, "X-Request-Id", ids["add pickup"])
	grandma := must[pickupView](t, r, http.StatusCreated)
	if grandma.IDLast4 != "123X" {
		t.Errorf("idLast4 %q, want the check digit upper-cased (123X)", grandma.IDLast4)
	}
	wantStatus(t, brother.del(t, "/v1/children/"+grandson.ID+"/pickup-persons/"+grandma.ID, "X-Request-Id", ids["remove pickup"]), http.StatusNoContent)

	log := must[listPage[auditView]](t, daughter.get(t, audit+"?limit=100"), http.StatusOK)
	if log.NextCursor != "" {
		t.Errorf("a complete page has nextCursor %q", log.NextCursor)
	}
	if len(log.Items) < 4 {
		t.Fatalf("audit log %s, want at least the brother's four entries", compactJSON(log.Items))
	}
	want := []auditView{
		{Action: "delete", Resource: "pickup_person", ResourceID: grandma.ID, RequestID: ids["remove pickup"]},
		{Action: "create", Resource: "pickup_person", ResourceID: grandma.ID, RequestID: ids["add pickup"]},
		{Action: "read", Resource: "child", ResourceID: grandson.ID, RequestID: ids["read child"]},
		{Action: "read", Resource: "elder", ResourceID: mother.ID, RequestID: ids["read elder"]},
	}
	for i, w := range want {
		got := log.Items[i]
		if got.Action != w.Action || got.Resource != w.Resource || got.ResourceID != w.ResourceID ||
			got.RequestID != w.RequestID || got.ActorID != brother.id || got.ID == "" || got.At.IsZero() {
			t.Errorf("audit entry %d (newest first) is %s, want %s by %s with an id and a time", i, compactJSON(got), compactJSON(w), brother.id)
		}
	}
	for i := 1; i < len(log.Items); i++ {
		if log.Items[i].At.After(log.Items[i-1].At) {
			t.Errorf("audit entry %d (%s) is newer than entry %d (%s): not newest first", i, log.Items[i].At, i-1, log.Items[i-1].At)
		}
	}
	// Her own earlier changes are there too.
	if !hasEntry(log.Items, daughter.id, "create", "elder", mother.ID) || !hasEntry(log.Items, daughter.id, "create", "child", grandson.ID) {
		t.Errorf("the log lacks the daughter's creation of the elder and the child: %s", compactJSON(log.Items))
	}

	t.Run("pages of two follow the cursor without duplicates", func(t *testing.T) {
		var paged []string
		seen := map[string]bool{}
		next := audit + "?limit=2"
		for pages := 0; next != ""; pages++ {
			if pages > len(log.Items) {
				t.Fatalf("more pages than entries: the cursor does not advance")
			}
			pg := must[listPage[auditView]](t, daughter.get(t, next), http.StatusOK)
			if len(pg.Items) > 2 || (pg.NextCursor != "" && len(pg.Items) != 2) {
				t.Fatalf("page %d has %d items and nextCursor %q, want 2 per page", pages, len(pg.Items), pg.NextCursor)
			}
			for _, e := range pg.Items {
				if seen[e.ID] {
					t.Errorf("entry %s appears on two pages", e.ID)
				}
				seen[e.ID] = true
				paged = append(paged, e.ID)
			}
			next = ""
			if pg.NextCursor != "" {
				next = audit + "?limit=2&cursor=" + url.QueryEscape(pg.NextCursor)
			}
		}
		var whole []string
		for _, e := range log.Items {
			whole = append(whole, e.ID)
		}
		if compactJSON(paged) != compactJSON(whole) {
			t.Errorf("paging by 2 gave\n%v\nwant the single page's order\n%v", paged, whole)
		}
	})
	t.Run("only owners read the log", func(t *testing.T) {
		wantProblem(t, brother.get(t, audit), http.StatusForbidden, "family_owner_required")
	})
	t.Run("bad paging is refused", func(t *testing.T) {
		for _, list := range []string{audit, "/v1/families/" + fam.ID + "/elders", "/v1/families/" + fam.ID + "/children"} {
			for _, q := range []string{"limit=0", "limit=101", "limit=-1", "limit=ten"} {
				p := wantProblem(t, daughter.get(t, list+"?"+q), http.StatusBadRequest, "invalid_parameter")
				wantField(t, p, "query.limit")
			}
			p := wantProblem(t, daughter.get(t, list+"?cursor="+url.QueryEscape("not a cursor!")), http.StatusBadRequest, "cursor_invalid")
			wantField(t, p, "query.cursor")
		}
	})
}

func hasEntry(es []auditView, actor, action, resource, resourceID string) bool {
	for _, e := range es {
		if e.ActorID == actor && e.Action == action && e.Resource == resource && e.ResourceID == resourceID {
			return true
		}
	}
	return false
}
