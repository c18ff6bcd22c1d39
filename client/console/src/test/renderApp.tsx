import { render } from "@testing-library/react";
import { MemoryRouter, useLocation } from "react-router";
import { vi } from "vitest";
import { AppRoutes } from "../AppRoutes";
import { Providers } from "../Providers";
import { createFakeFetch } from "./fakeFetch";

function LocationProbe() {
  const l = useLocation();
  return <output data-testid="location">{l.pathname}</output>;
}

/** The whole console at a path, talking to a fake server. */
export function renderApp(path: string) {
  const fake = createFakeFetch();
  vi.stubGlobal("fetch", fake.fetch);
  const view = render(
    <MemoryRouter initialEntries={[path]}>
      <Providers>
        <AppRoutes />
        <LocationProbe />
      </Providers>
    </MemoryRouter>,
  );
  return { ...view, fake };
}
