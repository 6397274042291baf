"""A buyer's journey through the Python client openapi-python-client generates
from openapi.json (local/clients.sh): sign up, read the profile, pick a coin
package, buy it with Stripe, pay (the local stand-in's confirm step), and
watch the recharge turn credited and the coins arrive. Every call goes
through the generated functions and models, so a document the generator
misreads fails here."""

import os
import sys
import uuid

import httpx

sys.path.insert(0, sys.argv[1])  # the folder holding the generated package
from streamly_api import AuthenticatedClient, Client  # noqa: E402
from streamly_api.api.accounts import get_me, register  # noqa: E402
from streamly_api.api.catalog import list_coin_packages  # noqa: E402
from streamly_api.api.wallet import create_recharge, get_recharge, get_wallet, list_my_recharges  # noqa: E402
from streamly_api.models import Me, RechargeInput, RechargeView, RegisterInput, SessionView  # noqa: E402
from streamly_api.models.recharge_input_provider import RechargeInputProvider  # noqa: E402

base = os.environ["API_BASE"]


def check(what, got, want):
    if got != want:
        sys.exit(f"python client journey: {what}: {got!r}, expected {want!r}")


public = Client(base_url=base)
email = f"py-{uuid.uuid4().hex[:12]}@clients.local"
session = register.sync(client=public, body=RegisterInput(name="Py Buyer", email=email, password="py-client-pass"))
check("register answers a session", type(session), SessionView)
me_client = AuthenticatedClient(base_url=base, token=session.access_token)
me = get_me.sync(client=me_client)
check("get-me answers Me", (type(me), me.email), (Me, email))

packages = list_coin_packages.sync(client=public)
check("there is a package to buy", len(packages.items) > 0, True)
package = packages.items[0]

r = create_recharge.sync_detailed(
    client=me_client,
    body=RechargeInput(package_id=package.id, provider=RechargeInputProvider.STRIPE),
    idempotency_key=f"py-{uuid.uuid4().hex}",
)
check("create-recharge status", r.status_code, 201)
recharge = r.parsed
check("create-recharge answers a RechargeView", type(recharge), RechargeView)
check("pending until paid", recharge.status.value, "pending")
check("the sheet's client secret", recharge.stripe.client_secret.startswith(recharge.provider_ref), True)

# The buyer pays in the sheet: not an API operation, the stand-in's.
paid = httpx.post(f"{base}/dev/payments/confirm", json={"client_secret": recharge.stripe.client_secret})
check("the payment's webhook", paid.json().get("status"), "credited")

after = get_recharge.sync(client=me_client, id=recharge.id)
check("get-recharge after paying", after.status.value, "credited")
mine = list_my_recharges.sync(client=me_client)
check("list-my-recharges", [x.id for x in mine.items], [recharge.id])
wallet = get_wallet.sync(client=me_client)
check("coins arrived", wallet.coins, package.coins + package.bonus_coins)
print("python client journey: 1 passed, 0 failed")
