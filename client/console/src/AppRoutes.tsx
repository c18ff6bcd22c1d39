import { Route, Routes } from "react-router";
import { RequireAuth } from "./auth/RequireAuth";
import { RequireRoles } from "./auth/RequireRoles";
import { HARDSHIP_DESK_ROLES, TICKET_DESK_ROLES } from "./auth/roles";
import { AppLayout } from "./layout/AppLayout";
import { DESKS, HomeRedirect } from "./layout/desks";
import { AccountDetailPage } from "./pages/AccountDetailPage";
import { AccountSearchPage } from "./pages/AccountSearchPage";
import { AlertsPage } from "./pages/AlertsPage";
import { AuditLogPage } from "./pages/AuditLogPage";
import { CalendarPage } from "./pages/CalendarPage";
import { CashierPage } from "./pages/CashierPage";
import { ChangePasswordPage } from "./pages/ChangePasswordPage";
import { FlaggedPaymentsPage } from "./pages/FlaggedPaymentsPage";
import { FollowUpsPage } from "./pages/FollowUpsPage";
import { HardshipDetailPage } from "./pages/HardshipDetailPage";
import { HardshipQueuePage } from "./pages/HardshipQueuePage";
import { HardshipSummaryPage } from "./pages/HardshipSummaryPage";
import { HotlinePage } from "./pages/HotlinePage";
import { InvoicesPage } from "./pages/InvoicesPage";
import { LegalCandidatesPage } from "./pages/LegalCandidatesPage";
import { LegalCasePage } from "./pages/LegalCasePage";
import { LegalCasesPage, LegalDeadlinesPage } from "./pages/LegalCasesPage";
import { LegalReportPage } from "./pages/LegalReportPage";
import { LegalTypicalCasesPage } from "./pages/LegalTypicalCasesPage";
import { LoginPage } from "./pages/LoginPage";
import { MyTicketsPage } from "./pages/MyTicketsPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { NoticesPage } from "./pages/NoticesPage";
import { PaymentsPage } from "./pages/PaymentsPage";
import { ReconciliationPage } from "./pages/ReconciliationPage";
import { SeasonsPage } from "./pages/SeasonsPage";
import { ServiceReportPage } from "./pages/ServiceReportPage";
import { SlaBoardPage } from "./pages/SlaBoardPage";
import { StaffPage } from "./pages/StaffPage";
import { SuspensionDeskPage } from "./pages/SuspensionDeskPage";
import { RegisterImportPage } from "./pages/RegisterImportPage";
import { ReminderCampaignsPage } from "./pages/ReminderCampaignsPage";
import { ReminderLadderPage } from "./pages/ReminderLadderPage";
import { ReminderReviewsPage } from "./pages/ReminderReviewsPage";
import { TicketDetailPage } from "./pages/TicketDetailPage";
import { SpecialGroupsPage } from "./pages/SpecialGroupsPage";
import { VisitAssignmentsPage } from "./pages/VisitAssignmentsPage";
import { VisitProgressPage } from "./pages/VisitProgressPage";
import { VisitTasksPage } from "./pages/VisitTasksPage";
import { VisitsPage } from "./pages/VisitsPage";

/** Paths are relative to the router's basename (/console). */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireAuth />}>
        <Route path="/change-password" element={<ChangePasswordPage />} />
        <Route element={<AppLayout />}>
          <Route index element={<HomeRedirect />} />
          <Route
            path="/my-tickets"
            element={
              <RequireRoles roles={DESKS.myTickets.roles}>
                <MyTicketsPage />
              </RequireRoles>
            }
          />
          <Route
            path="/visits"
            element={
              <RequireRoles roles={DESKS.visits.roles}>
                <VisitsPage />
              </RequireRoles>
            }
          />
          <Route
            path="/visit-progress"
            element={
              <RequireRoles roles={DESKS.visitProgress.roles}>
                <VisitProgressPage />
              </RequireRoles>
            }
          />
          <Route
            path="/special-groups"
            element={
              <RequireRoles roles={DESKS.specialGroups.roles}>
                <SpecialGroupsPage />
              </RequireRoles>
            }
          />
          <Route
            path="/visit-assignments"
            element={
              <RequireRoles roles={DESKS.visitAssignments.roles}>
                <VisitAssignmentsPage />
              </RequireRoles>
            }
          />
          <Route path="/accounts" element={<AccountSearchPage />} />
          <Route path="/accounts/:id" element={<AccountDetailPage />} />
          <Route
            path="/hotline"
            element={
              <RequireRoles roles={DESKS.hotline.roles}>
                <HotlinePage />
              </RequireRoles>
            }
          />
          <Route
            path="/sla-board"
            element={
              <RequireRoles roles={DESKS.slaBoard.roles}>
                <SlaBoardPage />
              </RequireRoles>
            }
          />
          <Route
            path="/tickets/:id"
            element={
              <RequireRoles roles={TICKET_DESK_ROLES}>
                <TicketDetailPage />
              </RequireRoles>
            }
          />
          <Route
            path="/follow-ups"
            element={
              <RequireRoles roles={DESKS.followUps.roles}>
                <FollowUpsPage />
              </RequireRoles>
            }
          />
          <Route
            path="/reports/service"
            element={
              <RequireRoles roles={DESKS.serviceReport.roles}>
                <ServiceReportPage />
              </RequireRoles>
            }
          />
          <Route
            path="/legal/candidates"
            element={
              <RequireRoles roles={DESKS.legalCandidates.roles}>
                <LegalCandidatesPage />
              </RequireRoles>
            }
          />
          <Route
            path="/legal/cases"
            element={
              <RequireRoles roles={DESKS.legalCases.roles}>
                <LegalCasesPage />
              </RequireRoles>
            }
          />
          <Route
            path="/legal/cases/:id"
            element={
              <RequireRoles roles={DESKS.legalCases.roles}>
                <LegalCasePage />
              </RequireRoles>
            }
          />
          <Route
            path="/legal/deadlines"
            element={
              <RequireRoles roles={DESKS.legalDeadlines.roles}>
                <LegalDeadlinesPage />
              </RequireRoles>
            }
          />
          <Route
            path="/legal/typical-cases"
            element={
              <RequireRoles roles={DESKS.legalTypicalCases.roles}>
                <LegalTypicalCasesPage />
              </RequireRoles>
            }
          />
          <Route
            path="/legal/reports"
            element={
              <RequireRoles roles={DESKS.legalReports.roles}>
                <LegalReportPage />
              </RequireRoles>
            }
          />
          <Route
            path="/alerts"
            element={
              <RequireRoles roles={DESKS.alerts.roles}>
                <AlertsPage />
              </RequireRoles>
            }
          />
          <Route
            path="/cashier"
            element={
              <RequireRoles roles={DESKS.cashier.roles}>
                <CashierPage />
              </RequireRoles>
            }
          />
          <Route
            path="/payments"
            element={
              <RequireRoles roles={DESKS.payments.roles}>
                <PaymentsPage />
              </RequireRoles>
            }
          />
          <Route
            path="/payments/flagged"
            element={
              <RequireRoles roles={DESKS.flagged.roles}>
                <FlaggedPaymentsPage />
              </RequireRoles>
            }
          />
          <Route
            path="/reconciliation"
            element={
              <RequireRoles roles={DESKS.reconciliation.roles}>
                <ReconciliationPage />
              </RequireRoles>
            }
          />
          <Route
            path="/invoices"
            element={
              <RequireRoles roles={DESKS.invoices.roles}>
                <InvoicesPage />
              </RequireRoles>
            }
          />
          <Route
            path="/seasons"
            element={
              <RequireRoles roles={DESKS.seasons.roles}>
                <SeasonsPage />
              </RequireRoles>
            }
          />
          <Route
            path="/audit"
            element={
              <RequireRoles roles={DESKS.audit.roles}>
                <AuditLogPage />
              </RequireRoles>
            }
          />
          <Route
            path="/staff"
            element={
              <RequireRoles roles={DESKS.staff.roles}>
                <StaffPage />
              </RequireRoles>
            }
          />
          <Route
            path="/calendar"
            element={
              <RequireRoles roles={DESKS.calendar.roles}>
                <CalendarPage />
              </RequireRoles>
            }
          />
          <Route
            path="/notices"
            element={
              <RequireRoles roles={DESKS.notices.roles}>
                <NoticesPage />
              </RequireRoles>
            }
          />
          <Route
            path="/register"
            element={
              <RequireRoles roles={DESKS.register.roles}>
                <RegisterImportPage />
              </RequireRoles>
            }
          />
          <Route
            path="/suspensions"
            element={
              <RequireRoles roles={DESKS.suspensions.roles}>
                <SuspensionDeskPage />
              </RequireRoles>
            }
          />
          <Route
            path="/reminders/campaigns"
            element={
              <RequireRoles roles={DESKS.reminderCampaigns.roles}>
                <ReminderCampaignsPage />
              </RequireRoles>
            }
          />
          <Route
            path="/reminders/ladder"
            element={
              <RequireRoles roles={DESKS.reminderLadder.roles}>
                <ReminderLadderPage />
              </RequireRoles>
            }
          />
          <Route
            path="/reminders/reviews"
            element={
              <RequireRoles roles={DESKS.reminderReviews.roles}>
                <ReminderReviewsPage />
              </RequireRoles>
            }
          />
          <Route
            path="/visit-tasks"
            element={
              <RequireRoles roles={DESKS.visitTasks.roles}>
                <VisitTasksPage />
              </RequireRoles>
            }
          />
          <Route
            path="/hardship/community"
            element={
              <RequireRoles roles={DESKS.hardshipCommunity.roles}>
                <HardshipQueuePage step="community" />
              </RequireRoles>
            }
          />
          <Route
            path="/hardship/center"
            element={
              <RequireRoles roles={DESKS.hardshipCenter.roles}>
                <HardshipQueuePage step="center" />
              </RequireRoles>
            }
          />
          <Route
            path="/hardship/summary"
            element={
              <RequireRoles roles={DESKS.hardshipSummary.roles}>
                <HardshipSummaryPage />
              </RequireRoles>
            }
          />
          <Route
            path="/hardship/applications/:id"
            element={
              <RequireRoles roles={HARDSHIP_DESK_ROLES}>
                <HardshipDetailPage />
              </RequireRoles>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
