package complaint

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kincare/kincare/domain/provider"
)

// Party is the side a person acts on.
type Party string

const (
	PartyFamily    Party = "family"    // a member of the complaining family
	PartyProvider  Party = "provider"  // an admin or office staff member of the provider
	PartyRegulator Party = "regulator" // a regulator
	PartySystem    Party = "system"    // kincare's timer
)

// Actor is who takes a step; the app sets Party only after checking the
// person's relation to the complaint.
type Actor struct {
	UserID string
	Party  Party
}

// ByFamily, ByProvider and ByRegulator are people acting; BySystem the timer.
func ByFamily(userID string) Actor    { return Actor{UserID: userID, Party: PartyFamily} }
func ByProvider(userID string) Actor  { return Actor{UserID: userID, Party: PartyProvider} }
func ByRegulator(userID string) Actor { return Actor{UserID: userID, Party: PartyRegulator} }

// BySystem is the response timer.
var BySystem = Actor{Party: PartySystem}

func (a Actor) is(p Party) bool {
	return a.Party == p && (p == PartySystem || a.UserID != "")
}

// Step names what an actor asks, for errors.
type Step string

const (
	StepRespond  Step = "respond"
	StepAccept   Step = "accept"
	StepEscalate Step = "escalate"
	StepDecide   Step = "decide"
)

func (c *Complaint) conflict(s Step) error {
	return ErrTransition.With(map[string]any{"status": string(c.status), "action": string(s)})
}

func forbidden(s Step) error { return ErrForbidden.With(map[string]any{"action": string(s)}) }

// Respond is the provider's answer. In time, it moves the complaint to
// responded and the family is asked to accept it. After the deadline the
// complaint is already the regulator's (escalated, by the timer or at
// this moment if the timer has not yet run): the answer is recorded as
// late for the regulator to read, and the status stays escalated.
func (c *Complaint) Respond(by Actor, text, eventID string, now time.Time) error {
	if eventID == "" || now.IsZero() {
		return errEventID
	}
	if !by.is(PartyProvider) {
		return forbidden(StepRespond)
	}
	var v validator
	text = v.text("/text", text, 1, MaxReply)
	if err := v.err(); err != nil {
		return err
	}
	if c.reply != nil || c.status.Closed() {
		return c.conflict(StepRespond)
	}
	if c.Overdue(now) {
		c.escalate(BySystem, "", eventID+".overdue", now)
	}
	now = now.UTC()
	c.reply = &Reply{Text: text, By: by.UserID, At: now, Late: c.status == StatusEscalated}
	if !c.reply.Late {
		c.status = StatusResponded
	}
	c.announce(eventID, EventResponded, now, map[string]string{"late": boolString(c.reply.Late)})
	return nil
}

// Accept is the family settling for the provider's answer.
func (c *Complaint) Accept(by Actor, eventID string, now time.Time) error {
	if eventID == "" || now.IsZero() {
		return errEventID
	}
	if !by.is(PartyFamily) {
		return forbidden(StepAccept)
	}
	if c.status != StatusResponded {
		return c.conflict(StepAccept)
	}
	c.status, c.resolvedAt = StatusResolved, now.UTC()
	c.announce(eventID, EventResolved, now, nil)
	return nil
}

// Escalate takes the complaint to the regulator: the family, unsatisfied
// with the answer or tired of waiting for one past its deadline; or the
// timer, when the provider did not answer in time.
func (c *Complaint) Escalate(by Actor, reason, eventID string, now time.Time) error {
	if eventID == "" || now.IsZero() {
		return errEventID
	}
	switch {
	case by.is(PartyFamily):
		var v validator
		reason = v.text("/reason", reason, 0, MaxReply)
		if err := v.err(); err != nil {
			return err
		}
		if c.status == StatusOpen && !c.Overdue(now) {
			return ErrAwaitingResponse.With(map[string]any{"respondBy": c.respondBy.UTC().Format(time.RFC3339)})
		}
		if c.status != StatusOpen && c.status != StatusResponded {
			return c.conflict(StepEscalate)
		}
	case by.is(PartySystem):
		reason = ""
		if c.status != StatusOpen {
			return c.conflict(StepEscalate)
		}
		if !c.Overdue(now) {
			return ErrAwaitingResponse.With(map[string]any{"respondBy": c.respondBy.UTC().Format(time.RFC3339)})
		}
	default:
		return forbidden(StepEscalate)
	}
	c.escalate(by, reason, eventID, now)
	return nil
}

func (c *Complaint) escalate(by Actor, reason, eventID string, now time.Time) {
	now = now.UTC()
	c.status = StatusEscalated
	c.escalation = &Escalation{By: by.Party, UserID: by.UserID, Reason: reason, At: now}
	c.announce(eventID, EventEscalated, now, map[string]string{"by": string(by.Party)})
}

// DecisionInput is what the regulator records.
type DecisionInput struct {
	Outcome Outcome
	Text    string
	// Credit, when set, is the provider's new standing for this finding.
	Credit provider.Credit
}

// Decide records the regulator's finding on an escalated complaint. A
// change of the provider's credit stays pending on the complaint until
// the app has written it to the provider (CreditApplied), so a crash
// between the two writes is repaired rather than lost.
func (c *Complaint) Decide(by Actor, in DecisionInput, eventID string, now time.Time) error {
	if eventID == "" || now.IsZero() {
		return errEventID
	}
	if !by.is(PartyRegulator) {
		return forbidden(StepDecide)
	}
	var v validator
	if !slices.Contains(Outcomes, in.Outcome) {
		v.add("/outcome", "enum")
	}
	text := v.text("/text", in.Text, 1, MaxReply)
	if in.Credit != "" && !slices.Contains([]provider.Credit{provider.CreditNormal, provider.RedListed,
		provider.BlackListed}, in.Credit) {
		v.add("/credit/status", "enum")
	}
	if err := v.err(); err != nil {
		return err
	}
	if c.Overdue(now) {
		// The timer has not run yet, but the complaint is the regulator's.
		c.escalate(BySystem, "", eventID+".overdue", now)
	}
	if c.status != StatusEscalated {
		return c.conflict(StepDecide)
	}
	now = now.UTC()
	c.status = StatusDecided
	c.decision = &Decision{Outcome: in.Outcome, Text: text, By: by.UserID, At: now, Credit: in.Credit,
		CreditPending: in.Credit != ""}
	c.announce(eventID, EventDecided, now, map[string]string{"outcome": string(in.Outcome), "credit": string(in.Credit)})
	return nil
}

// CreditReason is what the provider's credit record says about this
// complaint (the reason is published with the standing).
func (c *Complaint) CreditReason() string {
	d, ok := c.Decision()
	if !ok {
		return ""
	}
	reason := "投诉 " + c.id + "：" + d.Text
	if utf8.RuneCountInString(reason) > 500 {
		reason = string([]rune(reason)[:500])
	}
	return strings.TrimSpace(reason)
}

// CreditApplied records that the decision's credit change reached the
// provider; false when none was pending.
func (c *Complaint) CreditApplied() bool {
	if c.decision == nil || !c.decision.CreditPending {
		return false
	}
	c.decision.CreditPending = false
	return true
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
