import { Navigate, Route, Routes } from "react-router";
import { RequireAuth } from "./auth/RequireAuth";
import { RequireRoles } from "./auth/RequireRoles";
import { AppLayout } from "./layout/AppLayout";
import { DESKS } from "./layout/desks";
import { AccountDetailPage } from "./pages/AccountDetailPage";
import { AccountSearchPage } from "./pages/AccountSearchPage";
import { AlertsPage } from "./pages/AlertsPage";
import { AuditLogPage } from "./pages/AuditLogPage";
import { CashierPage } from "./pages/CashierPage";
import { FlaggedPaymentsPage } from "./pages/FlaggedPaymentsPage";
import { FollowUpsPage } from "./pages/FollowUpsPage";
import { HotlinePage } from "./pages/HotlinePage";
import { InvoicesPage } from "./pages/InvoicesPage";
import { LoginPage } from "./pages/LoginPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { PaymentsPage } from "./pages/PaymentsPage";
import { ReconciliationPage } from "./pages/ReconciliationPage";
import { SeasonsPage } from "./pages/SeasonsPage";
import { ServiceReportPage } from "./pages/ServiceReportPage";
import { SlaBoardPage } from "./pages/SlaBoardPage";
import { TicketDetailPage } from "./pages/TicketDetailPage";

/** Paths are relative to the router's basename (/console). */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireAuth />}>
        <Route element={<AppLayout />}>
          <Route index element={<Navigate to={DESKS.accounts.path} replace />} />
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
              <RequireRoles roles={DESKS.slaBoard.roles}>
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
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
