package e2e_test

import (
	"net/http"
	"slices"
	"testing"
)

// TestMothersHealthAndTheGrandsonsRecordsNeedConsent: nothing about an
// elder's health or about a child is kept until a member consents under
// the current policy, and withdrawing the consent erases what it covered.
func TestMothersHealthAndTheGrandsonsRecordsNeedConsent(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{env: familyEnv()})
	son := srv.signUp(t)
	daughter := srv.signUp(t)
	fam := son.createFamily(t, "王家")
	daughter.join(t, son, fam.ID, "member")
	consents := "/v1/families/" + fam.ID + "/consents"
	mother := son.addElder(t, fam.ID, elderBody("王秀兰", nil))
	motherPath := "/v1/elders/" + mother.ID
	assessment := map[string]string{"level": "moderate", "assessedOn": dateAgo(0, 1, 0), "assessedBy": "徐汇区老年人能力评估中心"}

	t.Run("no health conditions before consent", func(t *testing.T) {
		p := wantProblem(t, son.patch(t, motherPath, map[string]any{"conditions": []string{"高血压"}}), http.StatusUnprocessableEntity, "consent_required")
		wantField(t, p, "/conditions")
		wantProblem(t, son.post(t, motherPath+"/assessments", assessment), http.StatusUnprocessableEntity, "consent_required")
		r := son.post(t, "/v1/families/"+fam.ID+"/elders", elderBody("王建国", map[string]any{"gender": "male", "conditions": []string{"糖尿病"}}))
		wantProblem(t, r, http.StatusUnprocessableEntity, "consent_required")
		if es := son.elders(t, fam.ID); len(es) != 1 {
			t.Errorf("the refused elder was created anyway: %s", compactJSON(es))
		}
		if got := son.elder(t, mother.ID); len(got.Conditions) != 0 || got.Assessment != nil || len(got.AssessmentHistory) != 0 {
			t.Errorf("refused health data was kept: %s", compactJSON(got))
		}
	})
	t.Run("consent under an outdated policy is refused", func(t *testing.T) {
		r := son.post(t, consents, map[string]string{"scope": "elder_health", "elderId": mother.ID, "policyVersion": "2025-01"})
		p := wantProblem(t, r, http.StatusUnprocessableEntity, "consent_policy_outdated")
		wantField(t, p, "/policyVersion")
	})
	t.Run("health consent must name the elder", func(t *testing.T) {
		r := son.post(t, consents, map[string]string{"scope": "elder_health", "policyVersion": "2026-11"})
		p := wantProblem(t, r, http.StatusUnprocessableEntity, "consent_scope_invalid")
		wantField(t, p, "/elderId")
	})
	t.Run("an unknown scope is refused", func(t *testing.T) {
		r := son.post(t, consents, map[string]string{"scope": "everything", "policyVersion": "2026-11"})
		p := wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/scope")
	})
	list := must[struct {
		CurrentPolicyVersion string        `json:"currentPolicyVersion"`
		Items                []consentView `json:"items"`
	}](t, son.get(t, consents), http.StatusOK)
	if list.CurrentPolicyVersion != "2026-11" || len(list.Items) != 0 {
		t.Fatalf("consents after the refusals: %s, want none and currentPolicyVersion 2026-11", compactJSON(list))
	}

	// The daughter, a member, consents for her mother's health.
	health := daughter.consent(t, fam.ID, "elder_health", mother.ID)
	if health.Scope != "elder_health" || health.ElderID != mother.ID || health.GrantedBy != daughter.id ||
		!health.InForce || health.PolicyVersion != "2026-11" || health.GrantedAt.IsZero() || health.WithdrawnAt != nil {
		t.Errorf("consent %s, want elder_health for %s granted by %s, in force, 2026-11", compactJSON(health), mother.ID, daughter.id)
	}
	if again := son.consent(t, fam.ID, "elder_health", mother.ID); again.ID != health.ID {
		t.Errorf("consenting again made consent %s, want the one in force (%s)", again.ID, health.ID)
	}

	got := must[elderView](t, son.patch(t, motherPath, map[string]any{"conditions": []string{"高血压", "糖尿病"}}), http.StatusOK)
	if !slices.Equal(got.Conditions, []string{"高血压", "糖尿病"}) {
		t.Errorf("conditions %q after consent, want 高血压, 糖尿病", got.Conditions)
	}
	older := map[string]string{"level": "mild", "assessedOn": dateAgo(1, 0, 0), "assessedBy": "徐汇区老年人能力评估中心"}
	wantStatus(t, son.post(t, motherPath+"/assessments", assessment), http.StatusCreated)
	got = must[elderView](t, son.post(t, motherPath+"/assessments", older), http.StatusCreated)
	if got.Assessment == nil || got.Assessment.Level != "moderate" || len(got.AssessmentHistory) != 2 {
		t.Errorf("after two assessments: current %+v, history %+v; want the latest by date (moderate) and both in history",
			got.Assessment, got.AssessmentHistory)
	}

	// Child data: nothing before the family consents.
	grandson := childBody("王乐乐", dateAgo(1, 8, 0))
	wantProblem(t, son.post(t, "/v1/families/"+fam.ID+"/children", grandson), http.StatusUnprocessableEntity, "consent_required")
	if cs := son.children(t, fam.ID); len(cs) != 0 {
		t.Fatalf("a child was kept without consent: %s", compactJSON(cs))
	}
	childData := son.consent(t, fam.ID, "child_data", "")
	kid := son.addChild(t, fam.ID, grandson)
	grandma := son.addPickup(t, kid.ID, "李秀英", "外婆", newPhone())

	// The daughter withdraws the health consent: the conditions and every
	// assessment go; the rest of the profile stays.
	r := daughter.del(t, consents+"/"+health.ID)
	withdrawn := must[consentView](t, r, http.StatusOK)
	if withdrawn.InForce || withdrawn.WithdrawnAt == nil || withdrawn.ID != health.ID {
		t.Errorf("withdrawn consent %s, want inForce false and withdrawnAt", r.body)
	}
	after := son.elder(t, mother.ID)
	if len(after.Conditions) != 0 || after.Assessment != nil || len(after.AssessmentHistory) != 0 {
		t.Errorf("after withdrawal the elder still shows health data: conditions %q, assessment %+v, history %+v",
			after.Conditions, after.Assessment, after.AssessmentHistory)
	}
	if after.Name != "王秀兰" || after.Address.City != "上海市" || after.CaregiverNotes != "耳背，请用力敲门" {
		t.Errorf("withdrawing health consent changed the profile: %s", compactJSON(after))
	}
	p := wantProblem(t, son.patch(t, motherPath, map[string]any{"conditions": []string{"高血压"}}), http.StatusUnprocessableEntity, "consent_required")
	wantField(t, p, "/conditions")
	wantProblem(t, son.post(t, motherPath+"/assessments", assessment), http.StatusUnprocessableEntity, "consent_required")
	wantProblem(t, daughter.del(t, consents+"/"+health.ID), http.StatusConflict, "consent_withdrawn")
	wantProblem(t, daughter.del(t, consents+"/"+randomID()), http.StatusNotFound, "consent_not_found")

	// The son withdraws child data: the grandson's record goes entirely.
	wantStatus(t, son.del(t, consents+"/"+childData.ID), http.StatusOK)
	wantProblem(t, son.get(t, "/v1/children/"+kid.ID), http.StatusNotFound, "child_not_found")
	wantProblem(t, son.del(t, "/v1/children/"+kid.ID+"/pickup-persons/"+grandma.ID), http.StatusNotFound, "child_not_found")
	if cs := son.children(t, fam.ID); len(cs) != 0 {
		t.Errorf("children after withdrawing child_data: %s", compactJSON(cs))
	}
	wantProblem(t, son.post(t, "/v1/families/"+fam.ID+"/children", grandson), http.StatusUnprocessableEntity, "consent_required")

	// The consents themselves stay on record, withdrawn.
	list = must[struct {
		CurrentPolicyVersion string        `json:"currentPolicyVersion"`
		Items                []consentView `json:"items"`
	}](t, daughter.get(t, consents), http.StatusOK)
	if len(list.Items) != 2 {
		t.Fatalf("consent history %s, want both consents", compactJSON(list.Items))
	}
	for _, c := range list.Items {
		if c.InForce || c.WithdrawnAt == nil {
			t.Errorf("consent %s is still in force after withdrawal", compactJSON(c))
		}
	}

	// Consent can be given again, and health data kept again.
	daughter.consent(t, fam.ID, "elder_health", mother.ID)
	wantStatus(t, son.patch(t, motherPath, map[string]any{"conditions": []string{"骨质疏松"}}), http.StatusOK)
}
