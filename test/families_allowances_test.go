package e2e_test

import (
	"net/http"
	"slices"
	"testing"
)

// TestTheDistrictGrantsMotherAnAllowanceTheFamilyOnlyReadsIt: allowances
// are public money; a platform administrator enters them, the family can
// read but never write them, and a wrong entry is refused whole.
func TestTheDistrictGrantsMotherAnAllowanceTheFamilyOnlyReadsIt(t *testing.T) {
	t.Parallel()
	adminPhone := newPhone()
	srv := startServer(t, config{env: familyEnv("ADMIN_PHONES", adminPhone.national)})
	s := srv.login(t, adminPhone)
	if !slices.Contains(s.User.Roles, "platform_admin") {
		t.Fatalf("ADMIN_PHONES user has roles %q, want platform_admin", s.User.Roles)
	}
	admin := &person{srv: srv, phone: adminPhone, id: s.User.ID, access: s.Access}
	son := srv.signUp(t)
	fam := son.createFamily(t, "王家")
	mother := son.addElder(t, fam.ID, elderBody("王秀兰", nil))
	allowances := "/v1/elders/" + mother.ID + "/allowances"

	t.Run("the family cannot grant itself an allowance", func(t *testing.T) {
		wantProblem(t, son.post(t, allowances, allowanceBody()), http.StatusForbidden, "forbidden")
		if got := must[listPage[allowanceView]](t, son.get(t, allowances), http.StatusOK).Items; len(got) != 0 {
			t.Errorf("allowances after the refused grant: %s", compactJSON(got))
		}
	})

	granted := must[allowanceView](t, admin.post(t, allowances, allowanceBody()), http.StatusCreated)
	validFrom, validTo := allowanceYears()
	if granted.ID == "" || granted.Kind != "service_subsidy" || granted.MonthlyFen != 30000 ||
		!slices.Equal(granted.ServiceTypes, []string{"meal_aid", "bathing"}) || granted.ValidFrom != validFrom || granted.ValidTo != validTo {
		t.Errorf("granted allowance %s, want what was sent with an id", compactJSON(granted))
	}
	listed := must[listPage[allowanceView]](t, son.get(t, allowances), http.StatusOK).Items
	if len(listed) != 1 || listed[0].ID != granted.ID || listed[0].Issuer != "上海市徐汇区民政局" {
		t.Errorf("the son reads allowances %s, want the one granted (%s)", compactJSON(listed), granted.ID)
	}
	if e := son.elder(t, mother.ID); len(e.Allowances) != 1 || e.Allowances[0].ID != granted.ID {
		t.Errorf("the elder shows allowances %s, want the one granted", compactJSON(e.Allowances))
	}
	t.Run("the family cannot remove it either", func(t *testing.T) {
		wantProblem(t, son.del(t, allowances+"/"+granted.ID), http.StatusForbidden, "forbidden")
	})

	t.Run("a wrong allowance is refused whole", func(t *testing.T) {
		with := func(k string, v any) map[string]any {
			b := allowanceBody()
			b[k] = v
			return b
		}
		freeHours := allowanceBody()
		freeHours["kind"], freeHours["monthlyFen"] = "free_hours", 0 // and no monthlyHours
		for _, c := range []struct {
			name   string
			body   map[string]any
			status int
			code   string
			field  string
		}{
			{"ending before it starts", with("validTo", dateAgo(1, 0, 0)), 422, "allowance_invalid", "/validTo"},
			{"an unknown service type", with("serviceTypes", []string{"meal_aid", "massage"}), 422, "validation_failed", "/serviceTypes/1"},
			{"no service types", with("serviceTypes", []string{}), 422, "validation_failed", "/serviceTypes"},
			{"an unknown kind", with("kind", "lottery"), 422, "validation_failed", "/kind"},
			{"free hours without hours", freeHours, 422, "allowance_invalid", "/monthlyHours"},
			{"a negative amount", with("monthlyFen", -100), 422, "validation_failed", "/monthlyFen"},
			{"an impossible date", with("validFrom", "2026-02-30"), // calendar-safe: never a date
				422, "", "/validFrom"},
			{"another elder named in the body", with("elderId", "someone-else"), 422, "validation_failed", "/elderId"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := admin.post(t, allowances, c.body)
				code := c.code
				if code == "" { // the schema's date format or the service's parse may catch it first
					code = "validation_failed"
					if r.json["code"] == "allowance_invalid" {
						code = "allowance_invalid"
					}
				}
				wantField(t, wantProblem(t, r, c.status, code), c.field)
			})
		}
		if got := must[listPage[allowanceView]](t, son.get(t, allowances), http.StatusOK).Items; len(got) != 1 {
			t.Errorf("after the refused grants the elder has allowances %s, want just the first", compactJSON(got))
		}
	})
	t.Run("an administrator gets elder_not_found for an elder that does not exist", func(t *testing.T) {
		wantProblem(t, admin.post(t, "/v1/elders/"+randomID()+"/allowances", allowanceBody()), http.StatusNotFound, "elder_not_found")
		wantProblem(t, admin.get(t, "/v1/elders/"+randomID()+"/allowances"), http.StatusNotFound, "elder_not_found")
		wantProblem(t, admin.del(t, allowances+"/"+randomID()), http.StatusNotFound, "allowance_not_found")
	})

	wantStatus(t, admin.del(t, allowances+"/"+granted.ID), http.StatusNoContent)
	if got := must[listPage[allowanceView]](t, son.get(t, allowances), http.StatusOK).Items; len(got) != 0 {
		t.Errorf("allowances after removal: %s", compactJSON(got))
	}
}
