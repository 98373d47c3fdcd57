package orders

import (
	"context"
	"errors"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/order"
)

// Who hears of each state change: the family (the orderer and every
// member: each chooses in their preferences), the caregiver concerned,
// and the provider's admins and office staff. familyIfNear: the family
// only when the event says the visit is near (windowNear). rater: the
// family member who gave the rating. elder: the elder's own linked
// account, if the elder has one (it hears what concerns the elder at the
// door, never prices or the family's business).
type hearers struct {
	family, familyIfNear, caregiver, previousCaregiver, provider, rater, elder bool
}

var audienceOf = map[event.Type]hearers{
	order.EventCreated:             {provider: true},
	order.EventDispatched:          {provider: true},
	order.EventOffered:             {caregiver: true},
	order.EventDeclined:            {provider: true},
	order.EventAssigned:            {family: true, caregiver: true},
	order.EventAccepted:            {family: true, provider: true},
	order.EventEnRoute:             {family: true, elder: true},
	order.EventArrived:             {family: true},
	order.EventServiceBegan:        {family: true},
	order.EventCompleted:           {family: true, provider: true},
	order.EventConfirmed:           {caregiver: true, provider: true},
	order.EventCancelledByFamily:   {caregiver: true, provider: true},
	order.EventCancelledByProvider: {family: true, caregiver: true},
	order.EventRedispatched:        {family: true, previousCaregiver: true},
	order.EventNoShowCaregiver:     {family: true, provider: true},
	order.EventNoShowRecipient:     {family: true, provider: true},
	order.EventExpired:             {family: true, provider: true},
	order.EventHandedBack:          {familyIfNear: true, provider: true},
	order.EventCaregiverLeft:       {provider: true},
	order.EventRated:               {caregiver: true, provider: true},
	// Only the family member who gave a low rating is asked whether to
	// complain: the rest of the family did not rate.
	order.EventComplaintSuggested: {rater: true},
}

// Audiences says who hears of each order event.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	return notify.OneAudience(audienceOf, s.hearersOf)
}

func (s *Service) hearersOf(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	h := audienceOf[e.Type]
	var out notify.Hearers
	if h.family || h.familyIfNear && e.Data["windowNear"] == "true" {
		if err := out.AddFamily(ctx, s.d.Families, e.Data["familyId"]); err != nil {
			return nil, err
		}
	}
	if h.caregiver {
		out.Add(e.Data["caregiverId"])
	}
	if h.rater {
		out.Add(e.Data["ratedBy"])
	}
	if h.previousCaregiver {
		out.Add(e.Data["previousCaregiverId"])
	}
	if h.elder {
		id, err := s.elderAccount(ctx, e.Data["elderId"])
		if err != nil {
			return nil, err
		}
		out.Add(id)
	}
	if h.provider {
		if err := out.AddOffice(ctx, s.d.Providers, e.Data["providerId"]); err != nil {
			return nil, err
		}
	}
	return out.Recipients(), nil
}

// elderAccount is the elder's own linked account, when both sides of the
// link agree (elder.OwnAccount and the account's ElderID), or "": an
// elder removed, without an account, or with a link half-written or
// being undone hears nothing.
func (s *Service) elderAccount(ctx context.Context, elderID string) (string, error) {
	if s.d.Elders == nil || s.d.Users == nil || elderID == "" {
		return "", nil
	}
	e, err := s.d.Elders.Get(ctx, elderID)
	if fault.Is(err, elder.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if e.Account == nil {
		return "", nil
	}
	u, err := s.d.Users.ByID(ctx, e.Account.UserID)
	if errors.Is(err, identity.ErrUserNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if u.ElderID() != elderID {
		return "", nil
	}
	return u.ID(), nil
}
