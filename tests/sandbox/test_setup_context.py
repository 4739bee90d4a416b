"""Whatever builds a setup context can run every operation the contract declares."""

from __future__ import annotations

from mock_services.contract import OPERATION_MODULES, operations
from sandbox.setup_context import SETUP_MODULES


def test_every_declared_operation_is_implemented_by_a_setup_module() -> None:
    missing = [operation.name for operation in operations() if not operation.implemented]
    assert not missing, f"add the service's setup module to SETUP_MODULES: {missing}"


def test_each_service_with_operations_has_its_setup_module_loaded() -> None:
    declaring = {module.__name__.rpartition(".")[0] for module in OPERATION_MODULES}
    implementing = {module.__name__.rpartition(".")[0] for module in SETUP_MODULES}
    assert declaring == implementing
