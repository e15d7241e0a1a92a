// The payments service from the configuration (bot and api build it the same way).

import type { Config } from "../config.ts";
import type { Db } from "../db/db.ts";
import type { Logger } from "../log.ts";
import type { Pseudonym } from "../log_ids.ts";
import { createPayments, type Payments } from "./service.ts";
import { createYooKassa } from "./yookassa.ts";

export function paymentsFromConfig(
  config: Config,
  deps: { db: Db; log: Logger; pseudonym: Pseudonym; retryDelaysMs?: readonly number[] },
): Payments {
  const { yookassa: y, subscription: s } = config;
  return createPayments({
    ...deps,
    yookassa: y.shopId && y.secretKey
      ? createYooKassa({ shopId: y.shopId, secretKey: y.secretKey, apiUrl: y.apiUrl })
      : undefined,
    config: {
      plans: s.plans,
      ttlMinutes: s.paymentTtlMinutes,
      returnUrl: y.returnUrl,
      receipt: y.receiptEmail ? { email: y.receiptEmail, vatCode: y.vatCode } : undefined,
    },
  });
}
