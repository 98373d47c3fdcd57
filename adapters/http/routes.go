package http

import "github.com/kincare/kincare/app/reservations"

// bindRoutes binds a handler to every operation of the contract, by
// operation id; New fails if the spec has an operation left unbound.
func bindRoutes(api *contract, o Options, d Deps) {
	platform := newPlatformHandlers(d.Log, d.Ready, d.Spec, d.Registry, o.MetricsToken)
	api.handle("getHealth", platform.healthz)
	api.handle("getReadiness", platform.readyz)
	api.handle("getMetrics", platform.metrics)
	api.handle("getOpenAPI", platform.openapiYAML)
	api.handle("getDocs", platform.docs)
	api.handle("getDocsAsset", platform.docsAsset)

	a := authHandlers{svc: d.Auth}
	api.handle("requestOTP", a.requestOTP)
	api.handle("login", a.login)
	api.handle("refreshTokens", a.refresh)
	api.handle("logout", a.logout)

	me := meHandlers{svc: d.Auth}
	api.handle("getMe", me.get)
	api.handle("updateMe", me.update)
	api.handle("setPassword", me.setPassword)
	api.handle("setUserRoles", me.setRoles)

	dev := deviceHandlers{svc: d.Devices}
	api.handle("listDevices", dev.list)
	api.handle("registerDevice", dev.put)
	api.handle("removeDevice", dev.delete)

	api.handle("createQuote", quoteHandlers{svc: d.Quotes}.create)
	ord := orderHandlers{svc: d.Orders}
	api.handle("createOrder", ord.create)
	api.handle("getOrder", ord.get)
	api.handle("dispatchOrder", ord.dispatch)
	api.handle("acceptOrder", ord.accept)
	api.handle("listCaregiverOffers", ord.offers)
	api.handle("startVisit", ord.step(ord.start))
	api.handle("checkIn", ord.step(ord.checkIn))
	api.handle("reportPosition", ord.position)
	api.handle("beginService", ord.step(ord.begin))
	api.handle("writeServiceRecord", ord.step(ord.record))
	api.handle("checkOut", ord.step(ord.checkOut))
	api.handle("cancelOrder", ord.step(ord.cancel))
	api.handle("confirmOrder", ord.step(ord.confirm))
	api.handle("declineOrder", ord.decline)
	api.handle("reportNoShow", ord.step(ord.noShow))
	api.handle("listFamilyOrders", ord.list(ord.familyOrders))
	api.handle("listProviderOrders", ord.list(ord.providerOrders))
	api.handle("listCaregiverOrders", ord.list(ord.caregiverOrders))
	api.handle("rateOrder", ord.rate)

	cmp := complaintHandlers{svc: d.Complaints}
	api.handle("fileComplaint", cmp.file)
	api.handle("getComplaint", cmp.get)
	api.handle("respondToComplaint", cmp.step(cmp.respond))
	api.handle("acceptComplaintResponse", cmp.step(cmp.accept))
	api.handle("escalateComplaint", cmp.step(cmp.escalate))
	api.handle("decideComplaint", cmp.step(cmp.decide))
	api.handle("listFamilyComplaints", cmp.list(cmp.familyComplaints))
	api.handle("listProviderComplaints", cmp.list(cmp.providerComplaints))
	api.handle("listRegulatorComplaints", cmp.list(cmp.regulatorComplaints))

	inbox := notificationHandlers{svc: d.Notifications}
	api.handle("listNotifications", inbox.list)
	api.handle("markNotificationRead", inbox.markRead)
	api.handle("markAllNotificationsRead", inbox.markAllRead)
	api.handle("getNotificationPreferences", inbox.getPreferences)
	api.handle("putNotificationPreferences", inbox.putPreferences)

	fam := familyHandlers{svc: d.Families}
	api.handle("listMyFamilies", fam.mine)
	api.handle("createFamily", fam.create)
	api.handle("getFamily", fam.get)
	api.handle("updateFamily", fam.update)
	api.handle("leaveFamily", fam.leave)
	api.handle("changeMemberRole", fam.changeRole)
	api.handle("removeMember", fam.removeMember)
	api.handle("listInvites", fam.invites)
	api.handle("createInvite", fam.invite)
	api.handle("revokeInvite", fam.revokeInvite)
	api.handle("listMyInvites", fam.myInvites)
	api.handle("acceptInvite", fam.accept)
	api.handle("listConsents", fam.consents)
	api.handle("grantConsent", fam.grantConsent)
	api.handle("withdrawConsent", fam.withdrawConsent)

	eld := elderHandlers{svc: d.Elders}
	api.handle("listElders", eld.list)
	api.handle("createElder", eld.create)
	api.handle("getElder", eld.get)
	api.handle("updateElder", eld.update)
	api.handle("deleteElder", eld.delete)
	api.handle("recordAssessment", eld.recordAssessment)
	api.handle("listAllowances", eld.allowances)
	api.handle("addAllowance", eld.addAllowance)
	api.handle("removeAllowance", eld.removeAllowance)
	led := ledgerHandlers{svc: d.Allowances}
	api.handle("getAllowanceLedger", led.get)
	api.handle("adjustAllowance", led.adjust)
	api.handle("getProviderStatement", statementHandlers{svc: d.Statements}.get)

	kid := childHandlers{svc: d.Children}
	api.handle("listChildren", kid.list)
	api.handle("createChild", kid.create)
	api.handle("getChild", kid.get)
	api.handle("updateChild", kid.update)
	api.handle("deleteChild", kid.delete)
	api.handle("addPickupPerson", kid.addPickup)
	api.handle("removePickupPerson", kid.removePickup)

	prov := providerHandlers{svc: d.Providers, catalog: d.Catalog, search: d.Search, complaints: d.Complaints}
	api.handle("searchProviders", prov.searchProviders)
	api.handle("registerProvider", prov.register)
	api.handle("listMyProviders", prov.mine)
	api.handle("getProvider", prov.get)
	api.handle("updateProvider", prov.update)
	api.handle("decideProvider", prov.decide)
	api.handle("setProviderCredit", prov.setCredit)
	api.handle("listServiceItems", prov.menu)
	api.handle("addServiceItem", prov.addItem)
	api.handle("updateServiceItem", prov.updateItem)
	api.handle("searchServices", prov.searchServices)
	api.handle("inviteStaff", prov.inviteStaff)
	api.handle("acceptStaffInvite", prov.acceptStaffInvite)
	api.handle("listMyStaffInvites", prov.myStaffInvites)
	api.handle("listStaff", prov.staff)
	api.handle("removeStaff", prov.removeStaff)
	api.handle("setCaregiver", prov.setCaregiver)
	api.handle("setProviderDuty", prov.setDuty)

	hd := homeDeviceHandlers{svc: d.HomeDevices}
	api.handle("registerHomeDevice", hd.register)
	api.handle("listHomeDevices", hd.list)
	api.handle("removeHomeDevice", hd.remove)
	api.handle("postDeviceEvent", hd.ingest)

	inc := incidentHandlers{svc: d.Incidents}
	api.handle("raiseSOS", inc.raiseSOS)
	api.handle("listElderIncidents", inc.forElder)
	api.handle("listMyIncidents", inc.mine)
	api.handle("getIncident", inc.get)
	api.handle("acknowledgeIncident", inc.step(inc.acknowledge))
	api.handle("addIncidentNote", inc.step(inc.note))
	api.handle("resolveIncident", inc.step(inc.resolve))
	api.handle("closeIncident", inc.step(inc.close))

	res := reservationHandlers{svc: d.Reservations}
	api.handle("createOffering", res.createOffering)
	api.handle("listProviderOfferings", res.listOfferings)
	api.handle("getOffering", res.getOffering)
	api.handle("openSlots", res.openSlots)
	api.handle("getAvailability", res.availability)
	api.handle("getSlot", res.getSlot)
	api.handle("updateSlotCapacity", res.updateSlotCapacity)
	api.handle("createHold", res.createHold)
	api.handle("getHold", res.getHold)
	api.handle("releaseHold", res.releaseHold)
	api.handle("confirmHold", res.confirmHold)
	api.handle("getBooking", res.getBooking)
	api.handle("cancelBooking", res.cancelBooking)
	api.handle("listFamilyBookings", res.bookings("familyId", (*reservations.Service).ListFamilyBookings))
	api.handle("listProviderBookings", res.bookings("providerId", (*reservations.Service).ListProviderBookings))
	api.handle("joinWaitlist", res.joinWaitlist)
	api.handle("getWaitlistPlace", res.waitlistPlace)
	api.handle("leaveWaitlist", res.leaveWaitlist)

	day := childDayHandlers{svc: d.ChildDay}
	api.handle("listRooms", day.listRooms)
	api.handle("createRoom", day.createRoom)
	api.handle("updateRoom", day.updateRoom)
	api.handle("setChildcarePolicy", day.setPolicy)
	api.handle("getRoomDay", day.roomDay)
	api.handle("assignRoomStaff", day.assignStaff)
	api.handle("staffCheckIn", day.staffShift(true))
	api.handle("staffCheckOut", day.staffShift(false))
	api.handle("checkInChild", day.checkIn)
	api.handle("checkOutChild", day.checkOut)
	api.handle("markNoShow", day.markNoShow)
	api.handle("reportAbsence", day.reportAbsence)
	api.handle("addOneTimePickupPerson", day.addOneTimePickup)
	api.handle("fillDailyReport", day.fillReport)
	api.handle("publishDailyReport", day.publishReport)
	api.handle("listDailyReports", day.listReports)
	api.handle("getAttendanceStatement", day.statement)
	api.handle("listChildcareSubsidyRates", day.rates)
	api.handle("setChildcareSubsidyRate", day.setRate)

	priv := privacyHandlers{svc: d.Privacy}
	api.handle("listAuditLog", priv.auditLog)
	api.handle("exportMyData", priv.export)
	api.handle("deleteMe", priv.deleteMe)
}
