// A @platformatic/kafka Producer whose transactions work for a principal without cluster rights.
//
// The client picks the highest AddPartitionsToTxn version the broker offers. Versions 4 and up
// (Kafka 3.6+, KIP-890) are the brokers' own batched verification requests: the broker answers them
// only for principals with ClusterAction on the cluster, so a client using them gets
// CLUSTER_AUTHORIZATION_FAILED on its first transactional send once ACLs are enforced. Clients must
// stay at version 3 at most, as the Java producer does (AddPartitionsToTxnRequest.Builder.forClient).
import {
  addPartitionsToTxnV0, addPartitionsToTxnV1, addPartitionsToTxnV2, addPartitionsToTxnV3, kGetApi, kListApis, Producer,
  type API, type Callback
} from '@platformatic/kafka'

const CLIENT_ADD_PARTITIONS_APIS = [addPartitionsToTxnV0.api, addPartitionsToTxnV1.api, addPartitionsToTxnV2.api, addPartitionsToTxnV3.api]
/** The newest AddPartitionsToTxn version meant for clients. */
export const MAX_CLIENT_ADD_PARTITIONS_VERSION = CLIENT_ADD_PARTITIONS_APIS.length - 1

/** The AddPartitionsToTxn version a client should use given the broker's range, or null when none fits. */
export function clientAddPartitionsVersion (brokerMin: number, brokerMax: number): number | null {
  const version = Math.min(brokerMax, MAX_CLIENT_ADD_PARTITIONS_VERSION)
  return version >= brokerMin ? version : null
}

export class TransactionalProducer extends Producer<Buffer, Buffer, Buffer, Buffer> {
  #addPartitionsApi: API<any, any> | null = null

  override [kGetApi]<RequestArguments extends unknown[], ResponseType> (name: string, callback: Callback<API<RequestArguments, ResponseType>>): void {
    if (name !== 'AddPartitionsToTxn') {
      super[kGetApi]<RequestArguments, ResponseType>(name, callback)
      return
    }
    if (this.#addPartitionsApi !== null) {
      callback(null, this.#addPartitionsApi as never)
      return
    }
    this[kListApis]((error, apis) => {
      if (error !== null && error !== undefined) {
        callback(error, undefined as never)
        return
      }
      const entry = apis?.find((api) => api.name === name)
      const version = entry === undefined ? null : clientAddPartitionsVersion(entry.minVersion, entry.maxVersion)
      if (version === null) {
        // No client version left on this broker: let the client report it as it would.
        super[kGetApi]<RequestArguments, ResponseType>(name, callback)
        return
      }
      const api = CLIENT_ADD_PARTITIONS_APIS[version]!
      this.#addPartitionsApi = api
      callback(null, api as never)
    })
  }
}
